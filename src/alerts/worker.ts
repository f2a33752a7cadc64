/**
 * The delivery worker: takes pending outbox messages and sends them through their channels.
 *
 * - In order per channel: a channel's oldest pending message goes first; while it waits for a
 *   retry, the channel's later messages wait behind it (a receiver down for an hour gets every
 *   alert, in order, once it is back). Channels do not wait for each other.
 * - Each attempt has a timeout. Failures retry with exponential backoff and full jitter, or after
 *   the receiver's Retry-After. Permanent errors (4xx but 408/429) fail the message; 410 also
 *   disables the channel, and with a store that has a meta table that lasts across restarts until
 *   the channel's config changes (disabled-channels.ts). Every attempt is recorded (status,
 *   attempts, lastError).
 * - Time and randomness are injected, so tests run hours of retries in milliseconds.
 *
 * A crash after the receiver accepted a message but before it was marked sent re-sends it after the
 * restart, with the same idempotency key (webhook-id, PagerDuty dedup_key, Opsgenie alias), so the
 * receiver can tell it is the same alert.
 */
import type { OutboxMessage, Store } from '../store/store.js';
import type { Channel, DeliveryOutcome, Notification } from './channel.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { ChannelHealthBook, type ChannelHealth, type ChannelWarning } from './health.js';
import { isNotification } from './notification.js';
import { recipientLog, type MessageRecipients } from './recipient-log.js';
import { forgetDisabled, loadDisabled, rememberDisabled, type DisabledStore } from './disabled-channels.js';

export type DeliveryEvent =
  | {
      type: 'sent';
      channel: string;
      key: string;
      attempts: number;
      status: number;
      latencyMs: number;
      receiverId?: string;
    }
  | {
      type: 'retry';
      channel: string;
      key: string;
      attempts: number;
      status?: number;
      error: string;
      delayMs: number;
    }
  | { type: 'failed'; channel: string; key: string; attempts: number; status?: number; error: string }
  | { type: 'disabled'; channel: string; key: string; status?: number; error: string }
  | { type: 'cancelled'; channel: string; key: string; error: string }
  | { type: 'error'; error: string };

export interface WorkerOptions {
  /** With getMeta/setMeta/listMeta, channels disabled by a 410 stay disabled across restarts. */
  store: Pick<Store, 'dueOutbox' | 'updateOutbox'> & Partial<DisabledStore>;
  channels: ReadonlyMap<string, Channel> | readonly Channel[];
  now?: () => number;
  /** [0, 1) */
  random?: () => number;
  /** Per-attempt deadline for channels that set none themselves (default 10 s). */
  attemptTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Longest Retry-After honoured as given (longer ones are capped). */
  maxRetryAfterMs?: number;
  /** A message still undelivered this long after it was planned is given up. */
  maxAgeMs?: number;
  /** Pending messages read per pass. */
  batchSize?: number;
  /** Idle time between passes when not kicked. */
  pollMs?: number;
  failureWarningThreshold?: number;
  onEvent?: (e: DeliveryEvent) => void;
  /**
   * When several instances share the outbox: claims this instance's pending messages for a pass and
   * says until when the claim holds. An attempt starts only when the claim outlasts its deadline, so
   * no other instance can take the message while it is in flight. Absent: every pending message.
   */
  claim?: (now: number, limit: number) => Promise<{ messages: OutboxMessage[]; until: number }>;
}

export interface PassSummary {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

export class DeliveryWorker {
  private readonly channels: ReadonlyMap<string, Channel>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly book: ChannelHealthBook;
  private readonly shutdown = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A kick that arrived during a pass: run another pass right away. */
  private kicked = false;
  /** The store's meta table, when it has one: disabled channels (read before the first pass), recipient logs. */
  private readonly metaStore: DisabledStore | null;
  private restored: Promise<void> | null = null;

  constructor(private readonly opts: WorkerOptions) {
    const list: readonly Channel[] = Array.isArray(opts.channels)
      ? (opts.channels as readonly Channel[])
      : [...(opts.channels as ReadonlyMap<string, Channel>).values()];
    this.channels = new Map(list.map((c) => [c.name, c]));
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.book = new ChannelHealthBook(list, opts.failureWarningThreshold);
    const { getMeta, setMeta, listMeta } = opts.store;
    this.metaStore = getMeta && setMeta && listMeta ? (opts.store as unknown as DisabledStore) : null;
  }

  /** Channels a 410 disabled before a restart stay disabled (their config unchanged). */
  private restoreDisabled(): Promise<void> {
    this.restored ??= (async () => {
      if (!this.metaStore) return;
      for (const [name, reason] of await loadDisabled(this.metaStore, this.channels))
        this.book.disable(name, reason);
    })();
    return this.restored;
  }

  health(): ChannelHealth[] {
    return this.book.all();
  }

  /** Channels failing repeatedly or disabled; the monitor raises a Warning for each. */
  warnings(): ChannelWarning[] {
    return this.book.warnings();
  }

  /** Re-enables a channel disabled by a 410 (after its config was fixed); the store forgets it too. */
  enable(channel: string): void {
    this.book.enable(channel);
    const store = this.metaStore;
    if (store) {
      const forget = this.chain.then(() => forgetDisabled(store, channel));
      this.chain = forget.catch((err: unknown) =>
        this.emit({ type: 'error', error: err instanceof Error ? err.message : String(err) }),
      );
    }
    this.kick();
  }

  /** One pass over the pending messages. Passes never overlap. */
  runOnce(): Promise<PassSummary> {
    const pass = this.chain.then(() => this.pass());
    this.chain = pass.catch(() => undefined);
    return pass;
  }

  /** Runs passes until stop(): every pollMs, or at once after kick(). */
  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.shutdown.signal.aborted) {
        this.kicked = false;
        try {
          await this.runOnce();
        } catch (err) {
          this.emit({ type: 'error', error: err instanceof Error ? err.message : String(err) });
        }
        if (this.shutdown.signal.aborted) break;
        if (this.kicked) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.opts.pollMs ?? 1_000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** New messages were written: deliver now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops the loop; attempts in flight are aborted (and retried after the restart). */
  async stop(): Promise<void> {
    this.shutdown.abort(new Error('worker stopped'));
    this.kick();
    await this.loop;
    await this.chain;
  }

  private emit(e: DeliveryEvent): void {
    this.opts.onEvent?.(e);
  }

  private async pass(): Promise<PassSummary> {
    const summary: PassSummary = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
    await this.restoreDisabled();
    // Every pending message, not only due ones: a channel's later messages must wait behind an
    // earlier one that is waiting for its retry.
    const limit = this.opts.batchSize ?? 1_000;
    const { messages: pending, until } = this.opts.claim
      ? await this.opts.claim(this.now(), limit)
      : { messages: await this.opts.store.dueOutbox(FAR_FUTURE, limit), until: FAR_FUTURE };
    const byChannel = new Map<string, OutboxMessage[]>();
    for (const m of [...pending].sort(byAge)) {
      const list = byChannel.get(m.channel);
      if (list) list.push(m);
      else byChannel.set(m.channel, [m]);
    }
    this.book.setPending(new Map([...byChannel].map(([c, ms]) => [c, ms.length])));
    await Promise.all([...byChannel].map(([name, msgs]) => this.drain(name, msgs, summary, until)));
    return summary;
  }

  /** Sends a channel's messages in order until one has to wait. */
  private async drain(
    name: string,
    msgs: OutboxMessage[],
    summary: PassSummary,
    claimedUntil: number,
  ): Promise<void> {
    const channel = this.channels.get(name);
    for (const m of msgs) {
      if (this.shutdown.signal.aborted || m.id === undefined) return;
      if (!channel) {
        const error = `no channel named "${name}" in the config`;
        await this.opts.store.updateOutbox(m.id, { status: 'cancelled', lastError: error });
        summary.cancelled++;
        this.emit({ type: 'cancelled', channel: name, key: m.key, error });
        continue;
      }
      if (this.book.isDisabled(name)) return;
      const now = this.now();
      if (m.notBefore > now) return;
      if (!isNotification(m.payload)) {
        await this.giveUp(m, name, 'payload is not a notification', undefined, summary);
        continue;
      }
      if (now - m.createdAt > (this.opts.maxAgeMs ?? 86_400_000)) {
        await this.giveUp(
          m,
          name,
          `undelivered for too long (last error: ${m.lastError ?? 'none'})`,
          undefined,
          summary,
        );
        continue;
      }
      // The claim must outlive the attempt's hard deadline; otherwise the next pass claims again.
      if (claimedUntil !== FAR_FUTURE && claimedUntil - now <= this.deadlineMs(channel) + 1_000) return;
      const recipients = this.metaStore ? recipientLog(this.metaStore, m.key) : null;
      const outcome = await this.attempt(channel, m.payload, m, now, recipients);
      const goOn = await this.record(m, name, outcome, summary);
      if (recipients && (outcome.ok || outcome.disable || !outcome.retryable)) await recipients.clear();
      if (!goOn) return;
    }
  }

  private async attempt(
    channel: Channel,
    n: Notification,
    m: OutboxMessage,
    now: number,
    recipients: MessageRecipients | null,
  ): Promise<DeliveryOutcome> {
    const timeoutMs = this.deadlineMs(channel);
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.shutdown.signal]);
    let timer: NodeJS.Timeout | undefined;
    // Backstop for a channel that ignores its signal.
    const hardStop = new Promise<DeliveryOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, retryable: true, error: 'timed out waiting for the receiver' }),
        timeoutMs + 1_000,
      );
    });
    try {
      const ctx = { signal, now, messageId: m.key, ...(recipients ? { recipients } : {}) };
      return await Promise.race([channel.send(n, ctx), hardStop]);
    } catch (err) {
      return {
        ok: false,
        retryable: true,
        error: `channel error: ${err instanceof Error ? err.message : String(err)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private deadlineMs(channel: Channel): number {
    return channel.timeoutMs ?? this.opts.attemptTimeoutMs ?? 10_000;
  }

  /** Records one attempt; returns whether the channel may go on with its next message. */
  private async record(
    m: OutboxMessage,
    name: string,
    outcome: DeliveryOutcome,
    summary: PassSummary,
  ): Promise<boolean> {
    const id = m.id as number;
    const attempts = m.attempts + 1;
    const at = this.now();
    if (outcome.ok) {
      await this.opts.store.updateOutbox(id, { status: 'sent', attempts, lastError: null });
      const latencyMs = at - m.createdAt;
      this.book.success(name, at, latencyMs, outcome.status);
      summary.sent++;
      this.emit({
        type: 'sent',
        channel: name,
        key: m.key,
        attempts,
        status: outcome.status,
        latencyMs,
        ...(outcome.receiverId !== undefined ? { receiverId: outcome.receiverId } : {}),
      });
      return true;
    }
    const status = outcome.status;
    if (outcome.disable || !outcome.retryable) {
      await this.opts.store.updateOutbox(id, { status: 'failed', attempts, lastError: outcome.error });
      this.book.failure(name, at, outcome.error, status, true);
      summary.failed++;
      this.emit({
        type: 'failed',
        channel: name,
        key: m.key,
        attempts,
        error: outcome.error,
        ...(status !== undefined ? { status } : {}),
      });
      if (outcome.disable) {
        this.book.disable(name, outcome.error);
        const channel = this.channels.get(name);
        if (this.metaStore && channel) await rememberDisabled(this.metaStore, channel, outcome.error, at);
        this.emit({
          type: 'disabled',
          channel: name,
          key: m.key,
          error: outcome.error,
          ...(status !== undefined ? { status } : {}),
        });
        return false;
      }
      return true;
    }
    const maxRetryAfter = this.opts.maxRetryAfterMs ?? 3_600_000;
    const delayMs =
      outcome.retryAfterMs !== undefined
        ? Math.min(outcome.retryAfterMs, maxRetryAfter)
        : backoffDelay(attempts, this.opts.backoff ?? DEFAULT_BACKOFF, this.random);
    await this.opts.store.updateOutbox(id, { attempts, notBefore: at + delayMs, lastError: outcome.error });
    this.book.failure(name, at, outcome.error, status, false);
    summary.retried++;
    this.emit({
      type: 'retry',
      channel: name,
      key: m.key,
      attempts,
      error: outcome.error,
      delayMs,
      ...(status !== undefined ? { status } : {}),
    });
    return false;
  }

  private async giveUp(
    m: OutboxMessage,
    name: string,
    error: string,
    status: number | undefined,
    summary: PassSummary,
  ): Promise<void> {
    await this.opts.store.updateOutbox(m.id as number, { status: 'failed', lastError: error });
    this.book.failure(name, this.now(), error, status, true);
    summary.failed++;
    this.emit({ type: 'failed', channel: name, key: m.key, attempts: m.attempts, error });
  }
}

function byAge(a: OutboxMessage, b: OutboxMessage): number {
  return (a.id ?? 0) - (b.id ?? 0) || a.createdAt - b.createdAt;
}
