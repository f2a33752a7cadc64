/** Building channels from settings and sending one notification, for the channel tests. */
import type { Channel, DeliveryOutcome, Notification } from '../../src/alerts/channel.js';
import { createChannel } from '../../src/alerts/channels/index.js';

export function channel(
  type: string,
  settings: Record<string, unknown>,
  name = `test-${type}`,
  timeoutMs = 5_000,
): Channel {
  return createChannel({ name, type, timeoutMs, settings });
}

export function send(
  c: Channel,
  n: Notification,
  opts: { now?: number; messageId?: string; timeoutMs?: number } = {},
): Promise<DeliveryOutcome> {
  return c.send(n, {
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
    now: opts.now ?? Date.now(),
    messageId: opts.messageId ?? `${n.incidentId ?? 'x'}:${n.kind}:${c.name}`,
  });
}

export function bodyOf(req: { body: string }): Record<string, unknown> {
  return JSON.parse(req.body) as Record<string, unknown>;
}
