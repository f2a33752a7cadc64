/**
 * `mcpwatch notify-test CHANNEL`: sends one clearly-marked test alert straight to a channel (not
 * through the outbox) and returns what the receiver answered.
 */
import type { Config } from '../config/types.js';
import type { Channel } from './channel.js';
import { createChannel } from './channels/index.js';
import { testNotification } from './notification.js';

export interface NotifyTestResult {
  channel: string;
  type: string;
  ok: boolean;
  /** HTTP status, or the SMTP reply code. */
  status: number | null;
  receiverId: string | null;
  /** The receiver's answer (success) or the error (failure), secret-free. */
  answer: string;
  retryable: boolean | null;
  latencyMs: number;
}

export interface NotifyTestOptions {
  now?: () => number;
  timeoutMs?: number;
  /** Use this channel object instead of building it from the config (tests). */
  channel?: Channel;
}

export async function notifyTest(
  config: Config,
  channelName: string,
  opts: NotifyTestOptions = {},
): Promise<NotifyTestResult> {
  const cfg = config.channels.find((c) => c.name === channelName);
  if (!cfg && !opts.channel) {
    const known = config.channels.map((c) => c.name).join(', ') || 'none';
    throw new Error(`no channel named "${channelName}" (configured: ${known})`);
  }
  const channel = opts.channel ?? createChannel(cfg!);
  const clock = opts.now ?? Date.now;
  const start = clock();
  const outcome = await channel.send(testNotification(config, start), {
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    now: start,
    messageId: `test:${start}:${channel.name}`,
  });
  const latencyMs = clock() - start;
  const base = { channel: channel.name, type: channel.type, latencyMs };
  return outcome.ok
    ? {
        ...base,
        ok: true,
        status: outcome.status,
        receiverId: outcome.receiverId ?? null,
        answer: outcome.answer ?? '',
        retryable: null,
      }
    : {
        ...base,
        ok: false,
        status: outcome.status ?? null,
        receiverId: null,
        answer: outcome.error,
        retryable: outcome.retryable,
      };
}
