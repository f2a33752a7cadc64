/**
 * Opsgenie Alert API: create an alert (alias = the incident, so repeats de-duplicate), then
 * acknowledge and close it by alias. US accounts use api.opsgenie.com, EU accounts
 * api.eu.opsgenie.com; `url` overrides the base.
 */
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { deliverHttp } from '../http.js';
import { ChannelConfigError, Settings } from '../settings.js';
import { facts, headline, plainText, truncate } from '../text.js';

export const OPSGENIE_BASE = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

interface Responder {
  type: 'team' | 'user' | 'escalation' | 'schedule';
  name?: string;
  id?: string;
  username?: string;
}

function readResponders(cfg: ChannelConfig): Responder[] {
  const raw = cfg.settings.responders;
  if (raw === undefined || raw === null) return [];
  const types = ['team', 'user', 'escalation', 'schedule'];
  const ok =
    Array.isArray(raw) &&
    raw.every((r: unknown) => {
      if (typeof r !== 'object' || r === null) return false;
      const x = r as Record<string, unknown>;
      return (
        typeof x.type === 'string' &&
        types.includes(x.type) &&
        ['name', 'id', 'username'].some((k) => typeof x[k] === 'string')
      );
    });
  if (!ok)
    throw new ChannelConfigError(
      cfg.name,
      'responders',
      'must be a list of { type: team|user|escalation|schedule, name|id|username }',
    );
  return raw as Responder[];
}

export function opsgenieAlias(n: Notification, messageId: string): string {
  return truncate(
    n.incidentId === null ? `mcpwatch/${n.kind}/${messageId}` : `mcpwatch/${n.incidentId}`,
    512,
  );
}

export function opsgenieCreateBody(
  n: Notification,
  alias: string,
  now: number,
  extra: { tags: string[]; responders: Responder[] },
): Record<string, unknown> {
  const details: Record<string, string> = {};
  for (const f of facts(n, now)) details[f.label] = truncate(f.value, 500);
  const tags = [
    'mcpwatch',
    n.severity,
    ...(n.server ? [n.server] : []),
    ...(n.failure?.layer ? [n.failure.layer] : []),
    ...extra.tags,
  ];
  return {
    message: truncate(headline(n), 130),
    alias,
    description: truncate(plainText(n, now), 15000),
    ...(extra.responders.length ? { responders: extra.responders } : {}),
    tags: [...new Set(tags.map((t) => truncate(t, 50)))].slice(0, 20),
    details,
    ...(n.server ? { entity: truncate(n.server, 512) } : {}),
    source: 'mcpwatch',
    priority: n.kind === 'test' ? 'P5' : n.severity,
    user: 'mcpwatch',
    ...(n.kind === 'escalate' ? { note: 'Escalated: not acknowledged in time' } : {}),
  };
}

/** The API base: `url` when set, else by `region` (us, the default, or eu). */
export function opsgenieBaseUrl(cfg: ChannelConfig): string {
  const s = new Settings(cfg);
  const region = s.oneOf('region', ['us', 'eu'] as const, 'us');
  return s.url('url', OPSGENIE_BASE[region]).replace(/\/+$/, '');
}

export function createOpsgenieChannel(cfg: ChannelConfig): Channel {
  const s = new Settings(cfg);
  const apiKey = s.string('apiKey');
  const base = opsgenieBaseUrl(cfg);
  const tags = s.has('tags') ? s.list('tags') : [];
  const responders = readResponders(cfg);
  const hidden = [apiKey];
  const headers = { 'content-type': 'application/json', authorization: `GenieKey ${apiKey}` };
  return {
    name: cfg.name,
    type: 'opsgenie',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      if (n.kind === 'digest')
        return { ok: false, retryable: false, error: 'opsgenie channels do not take digests' };
      const alias = opsgenieAlias(n, ctx.messageId);
      let url: string;
      let body: Record<string, unknown>;
      if (n.kind === 'acknowledge' || n.kind === 'resolve') {
        const action = n.kind === 'acknowledge' ? 'acknowledge' : 'close';
        url = `${base}/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`;
        body = {
          user: truncate(n.acknowledgedBy && n.kind === 'acknowledge' ? n.acknowledgedBy : 'mcpwatch', 100),
          source: 'mcpwatch',
          note: truncate(headline(n), 25000),
        };
      } else {
        url = `${base}/v2/alerts`;
        body = opsgenieCreateBody(n, alias, ctx.now, { tags, responders });
      }
      return deliverHttp(
        { url, headers, body: JSON.stringify(body), signal: ctx.signal },
        ctx.now,
        hidden,
        (ans, outcome) => {
          if (!outcome.ok) return outcome;
          try {
            const parsed = JSON.parse(ans.body) as { requestId?: unknown };
            return typeof parsed.requestId === 'string'
              ? { ...outcome, receiverId: parsed.requestId }
              : outcome;
          } catch {
            return outcome;
          }
        },
      );
    },
  };
}
