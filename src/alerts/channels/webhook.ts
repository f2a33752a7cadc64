/**
 * Signed webhook, Standard Webhooks style: the body is the JSON documented in
 * docs/webhook-payload.md; `webhook-id` (stable across retries), `webhook-timestamp` (unix seconds of
 * the attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per
 * secret, space-separated, so receivers keep verifying while a secret is rotated).
 */
import { createHash, createHmac } from 'node:crypto';
import type { ChannelConfig } from '../../config/types.js';
import type { Channel, DeliveryOutcome, Notification, SendContext } from '../channel.js';
import { deliverHttp } from '../http.js';
import { ChannelConfigError, Settings } from '../settings.js';
import { headline } from '../text.js';

const SECRET_PREFIX = 'whsec_';

/** Decodes a `whsec_…` secret into its key bytes; throws on anything else. */
export function decodeWebhookSecret(channel: string, secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length < 16 || key.length > 64) {
    throw new ChannelConfigError(
      channel,
      'secret',
      'must be whsec_ followed by 16 to 64 base64-encoded bytes',
    );
  }
  return key;
}

/** The `webhook-signature` header value for one message and attempt. */
export function signWebhook(keys: readonly Buffer[], id: string, timestamp: number, body: string): string {
  return keys
    .map((k) => `v1,${createHmac('sha256', k).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/** `msg_` + a digest of the outbox key: stable across retries, safe in any header. */
export function webhookMessageId(messageId: string): string {
  return `msg_${createHash('sha256').update(messageId).digest('base64url').slice(0, 26)}`;
}

const EVENT_TYPE: Record<Notification['kind'], string> = {
  trigger: 'incident.triggered',
  escalate: 'incident.escalated',
  acknowledge: 'incident.acknowledged',
  resolve: 'incident.resolved',
  digest: 'digest.created',
  test: 'test',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The documented JSON body (docs/webhook-payload.md). */
export function webhookBody(n: Notification): Record<string, unknown> {
  return {
    type: EVENT_TYPE[n.kind],
    timestamp: new Date(n.createdAt).toISOString(),
    data: {
      kind: n.kind,
      test: n.kind === 'test',
      incidentId: n.incidentId,
      severity: n.severity,
      server: n.server,
      summary: headline(n),
      failure: n.failure,
      consecutiveFailures: n.consecutiveFailures,
      since: iso(n.since),
      openedAt: iso(n.openedAt),
      lastGoodAt: iso(n.lastGoodAt),
      acknowledgedAt: iso(n.acknowledgedAt),
      acknowledgedBy: n.acknowledgedBy,
      resolvedAt: iso(n.resolvedAt),
      escalation: n.escalation
        ? { level: n.escalation.level, afterSeconds: Math.round(n.escalation.afterMs / 1000) }
        : null,
      raisedFrom: n.raisedFrom,
      links: n.links,
      digest: n.digest
        ? {
            from: iso(n.digest.from),
            to: iso(n.digest.to),
            warnings: n.digest.warnings.map((w) => ({
              ...w,
              openedAt: iso(w.openedAt),
              clearedAt: iso(w.clearedAt),
            })),
            postmortems: n.digest.postmortems.map((p) => ({ ...p, resolvedAt: iso(p.resolvedAt) })),
          }
        : null,
    },
  };
}

export function createWebhookChannel(cfg: ChannelConfig): Channel {
  const s = new Settings(cfg);
  const url = s.url('url');
  const secrets = s.list('secret');
  const keys = secrets.map((x) => decodeWebhookSecret(cfg.name, x));
  const extraHeaders = s.stringMap('headers');
  const hidden = [url, ...secrets, ...Object.values(extraHeaders)];
  return {
    name: cfg.name,
    type: 'webhook',
    async send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome> {
      const body = JSON.stringify(webhookBody(n));
      const id = webhookMessageId(ctx.messageId);
      const timestamp = Math.floor(ctx.now / 1000);
      const headers: Record<string, string> = {
        ...extraHeaders,
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(keys, id, timestamp, body),
      };
      return deliverHttp({ url, headers, body, signal: ctx.signal }, ctx.now, hidden);
    },
  };
}
