/**
 * PagerDuty Events API v2: POST /v2/enqueue with the integration's routing key. Triggers (and
 * escalations, and tests) carry the full payload; acknowledge and resolve carry only the dedup key,
 * which is stable per incident so they land on the same PagerDuty alert.
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { deliverHttp } from '../http.js';
import { Settings } from '../settings.js';
import { facts, headline, links, truncate } from '../text.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const SEVERITY = { P1: 'critical', P2: 'error', P3: 'warning' } as const;

export function pagerdutyDedupKey(n: Notification, messageId: string): string {
  return truncate(
    n.incidentId === null ? `mcpwatch/${n.kind}/${messageId}` : `mcpwatch/${n.incidentId}`,
    255,
  );
}

export function pagerdutyEvent(
  n: Notification,
  routingKey: string,
  messageId: string,
  now: number,
): Record<string, unknown> {
  const dedupKey = pagerdutyDedupKey(n, messageId);
  if (n.kind === 'acknowledge' || n.kind === 'resolve') {
    return { routing_key: routingKey, event_action: n.kind, dedup_key: dedupKey };
  }
  const details: Record<string, string> = {};
  for (const f of facts(n, now)) details[f.label] = f.value;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: truncate(headline(n), 1024),
      source: truncate(n.server ?? 'mcpwatch', 255),
      severity: n.kind === 'test' ? 'info' : SEVERITY[n.severity],
      timestamp: new Date(n.openedAt ?? n.createdAt).toISOString(),
      ...(n.failure?.layer ? { component: n.failure.layer } : {}),
      group: 'mcp-servers',
      ...(n.failure?.code ? { class: n.failure.code } : {}),
      custom_details: details,
    },
    client: 'mcpwatch',
    ...(n.links.dashboard ? { client_url: n.links.dashboard } : {}),
    links: links(n).map((l) => ({ href: l.url, text: l.label })),
  };
}

export function createPagerDutyChannel(cfg: ChannelConfig): Channel {
  const s = new Settings(cfg);
  const routingKey = s.string('routingKey');
  const url = s.url('url', PAGERDUTY_EVENTS_URL);
  const hidden = [routingKey];
  return {
    name: cfg.name,
    type: 'pagerduty',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      if (n.kind === 'digest') {
        return { ok: false, retryable: false, error: 'pagerduty channels do not take digests' };
      }
      const body = JSON.stringify(pagerdutyEvent(n, routingKey, ctx.messageId, ctx.now));
      return deliverHttp(
        { url, headers: { 'content-type': 'application/json' }, body, signal: ctx.signal },
        ctx.now,
        hidden,
        (ans, outcome) => {
          if (!outcome.ok) return outcome;
          try {
            const parsed = JSON.parse(ans.body) as { dedup_key?: unknown };
            return typeof parsed.dedup_key === 'string'
              ? { ...outcome, receiverId: parsed.dedup_key }
              : outcome;
          } catch {
            return outcome;
          }
        },
      );
    },
  };
}
