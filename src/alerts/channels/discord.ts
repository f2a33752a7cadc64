/**
 * Discord webhook: one embed coloured by severity, the facts as fields, the links in the
 * description. Remote text is markdown-escaped (a link in a failure message stays text) and mentions
 * are disabled. With `wait: true` Discord answers 200 with the message (its id
 * is kept); otherwise 204.
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { deliverHttp } from '../http.js';
import { Settings } from '../settings.js';
import { accentColor, digestLines, facts, headline, links, markdownEscape, truncate } from '../text.js';

/** Discord's limits on one embed. */
const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
};

export function discordMessage(n: Notification, now: number, username: string): Record<string, unknown> {
  const title = truncate(headline(n, { emoji: true, escape: markdownEscape }), LIMITS.title);
  const fields = facts(n, now, markdownEscape)
    .slice(0, LIMITS.fields)
    .map((f) => ({
      name: truncate(f.label, LIMITS.fieldName),
      value: truncate(f.value, LIMITS.fieldValue),
      inline: f.value.length <= 40,
    }));
  const footer = truncate(`mcpwatch${n.incidentId ? ` · incident ${n.incidentId}` : ''}`, LIMITS.footer);
  const linkLine = links(n)
    .map((l) => `[${l.label}](${l.url})`)
    .join(' · ');
  const used =
    title.length + footer.length + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const room = Math.min(LIMITS.description, LIMITS.total - used);
  const body = n.kind === 'digest' ? digestLines(n, markdownEscape).join('\n') : '';
  const description = truncate([body, linkLine].filter((x) => x).join('\n\n'), Math.max(0, room));
  return {
    username,
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title,
        ...(n.links.dashboard ? { url: n.links.dashboard } : {}),
        ...(description ? { description } : {}),
        color: parseInt(accentColor(n).slice(1), 16),
        fields,
        footer: { text: footer },
        timestamp: new Date(n.createdAt).toISOString(),
      },
    ],
  };
}

export function createDiscordChannel(cfg: ChannelConfig): Channel {
  const s = new Settings(cfg);
  const base = s.url('url');
  const wait = s.boolean('wait', false);
  const username = truncate(s.string('username', 'mcpwatch'), 80);
  const target = new URL(base);
  if (wait) target.searchParams.set('wait', 'true');
  const url = target.toString();
  return {
    name: cfg.name,
    type: 'discord',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      const body = JSON.stringify(discordMessage(n, ctx.now, username));
      return deliverHttp(
        { url, headers: { 'content-type': 'application/json' }, body, signal: ctx.signal },
        ctx.now,
        [base, url],
        (ans, outcome) => {
          let parsed: { id?: unknown; retry_after?: unknown } = {};
          try {
            parsed = JSON.parse(ans.body) as typeof parsed;
          } catch {
            return outcome;
          }
          if (outcome.ok) {
            return wait && typeof parsed.id === 'string' ? { ...outcome, receiverId: parsed.id } : outcome;
          }
          // Discord also states the wait in the body (seconds, fractional) of a 429.
          if (
            outcome.retryable &&
            outcome.retryAfterMs === undefined &&
            typeof parsed.retry_after === 'number'
          ) {
            return { ...outcome, retryAfterMs: Math.ceil(parsed.retry_after * 1000) };
          }
          return outcome;
        },
      );
    },
  };
}
