/**
 * Slack incoming webhook: Block Kit blocks (header, facts, link buttons, context) and a `text`
 * fallback that notifications and screen readers use. Slack answers 200 "ok".
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, Notification } from '../channel.js';
import { jsonWebhookChannel } from '../http.js';
import { Settings } from '../settings.js';
import { digestLines, facts, formatTime, headline, links, shortText, truncate } from '../text.js';

/** Slack's mrkdwn needs &, < and > escaped. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function chunks(lines: string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const next = cur ? `${cur}\n${line}` : line;
    if (next.length > max && cur) {
      out.push(cur);
      cur = truncate(line, max);
    } else cur = truncate(next, max);
  }
  if (cur) out.push(cur);
  return out;
}

export function slackMessage(n: Notification, now: number): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(headline(n, { emoji: true }), 150), emoji: true },
    },
  ];
  if (n.kind === 'digest') {
    for (const text of chunks(digestLines(n).map(slackEscape), 3000).slice(0, 40)) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    }
  } else {
    const fields = facts(n, now)
      .slice(0, 10)
      .map((f) => ({
        type: 'mrkdwn',
        text: truncate(`*${slackEscape(f.label)}*\n${slackEscape(f.value)}`, 2000),
      }));
    if (fields.length) blocks.push({ type: 'section', fields });
  }
  const buttons = links(n).map((l, i) => ({
    type: 'button',
    text: { type: 'plain_text', text: truncate(l.label, 75) },
    url: l.url,
    action_id: `mcpwatch-link-${i}`,
    ...(l.label === 'Acknowledge' ? { style: 'primary' } : {}),
  }));
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: slackEscape(
          `mcpwatch · ${n.incidentId ? `incident ${n.incidentId} · ` : ''}${formatTime(n.createdAt)}`,
        ),
      },
    ],
  });
  return { text: shortText(n, now, 3000), blocks };
}

export function createSlackChannel(cfg: ChannelConfig): Channel {
  return jsonWebhookChannel(cfg.name, 'slack', new Settings(cfg).url('url'), slackMessage);
}
