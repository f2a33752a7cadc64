/**
 * The in-memory queue of store writes that could not be made because the database was unreachable:
 * kept in order, retried with exponential backoff (full jitter, capped), and written in that order
 * when the database answers again. Bounded: probe results beyond `maxBytes` are dropped (counted and
 * logged); judgement writes (incidents, warnings, outbox, engine state), tool surfaces, outbox
 * updates and settings are always kept, because losing one loses an alert, and they are small (an
 * engine state waiting in the queue is replaced by the same server's newer one).
 *
 * A write whose COMMIT answer was lost (CommitInDoubtError) is not written again before the database
 * says it did not commit, so nothing is written twice.
 */
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import type { Logger } from '../util/logger.js';
import type { JudgementWrite, OutboxMessage, Store, StoredResult, ToolSurface } from './store.js';
import { CommitInDoubtError, isTransientStoreError } from './transient.js';

export type BufferedWrite =
  | { kind: 'results'; rows: StoredResult[] }
  | { kind: 'judgement'; write: JudgementWrite }
  | {
      kind: 'surface';
      surface: Omit<ToolSurface, 'id'>;
    }
  | {
      kind: 'outbox';
      id: number;
      patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>;
    }
  | { kind: 'meta'; key: string; value: string | null };

export interface WriteBufferOptions {
  /** Bound of the probe results kept while the database is away (default 64 MiB of JSON). */
  maxBytes?: number;
  /** Retry delays (default: up to 500 ms after the first failure, doubling, capped at 10 s). */
  backoff?: BackoffPolicy;
  /** How often a warning repeats while writes wait (default 60 s). */
  warnEveryMs?: number;
  /** How long close() keeps trying to write what waits (default 10 s). */
  closeTimeoutMs?: number;
  random?: () => number;
}

export const DEFAULT_BUFFER_BYTES = 64 * 1024 * 1024;
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };
/** Shortest wait between two attempts, whatever the jitter draws. */
const MIN_RETRY_MS = 100;

interface Item {
  write: BufferedWrite;
  bytes: number;
  /** Set when the last attempt's COMMIT answer was lost: asks whether it went through. */
  inDoubt: (() => Promise<boolean>) | null;
  /** How many submitted writes this item holds (batches of results are merged when written). */
  writes: number;
}

/** Most probe results written in one transaction when the queue is written. */
const MERGE_ROWS = 1_000;

/** What the buffer holds now, for /healthz and logs. */
export interface BufferState {
  /** Writes waiting, and the probe results among them. */
  writes: number;
  results: number;
  bytes: number;
  maxBytes: number;
  /** Probe results dropped because the buffer was full, since the database went away. */
  dropped: number;
  /** When the database went away (ms since epoch), null when it answers. */
  since: number | null;
  lastError: string | null;
}

export class WriteBuffer {
  private readonly queue: Item[] = [];
  private bytes = 0;
  private resultsBytes = 0;
  private dropped = 0;
  private since: number | null = null;
  private lastError: Error | null = null;
  private attempts = 0;
  private lastWarnAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private readonly maxBytes: number;
  private readonly backoff: BackoffPolicy;
  private readonly warnEveryMs: number;
  private readonly random: () => number;
  private readonly name: string;

  constructor(
    private readonly inner: Store,
    private readonly log: Pick<Logger, 'warn' | 'info' | 'error'>,
    private readonly opts: WriteBufferOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_BUFFER_BYTES;
    this.backoff = opts.backoff ?? DEFAULT_RETRY;
    this.warnEveryMs = opts.warnEveryMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    this.name = inner.kind === 'postgres' ? 'PostgreSQL' : 'SQLite';
  }

  /** True while writes wait (or were dropped) because the database did not answer. */
  get buffering(): boolean {
    return this.since !== null;
  }

  state(): BufferState {
    return {
      writes: this.queue.reduce((n, i) => n + i.writes, 0),
      results: this.queue.reduce((n, i) => n + (i.write.kind === 'results' ? i.write.rows.length : 0), 0),
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      dropped: this.dropped,
      since: this.since,
      lastError: this.lastError?.message ?? null,
    };
  }

  /**
   * Writes now when nothing waits (resolving once written), else queues behind what waits (resolving
   * at once). A write the database cannot take because it is unreachable is queued; other errors are
   * thrown as before.
   */
  async submit(write: BufferedWrite): Promise<void> {
    if (this.queue.length === 0 && !this.closed) {
      try {
        await this.run(write);
        return;
      } catch (err) {
        if (!isTransientStoreError(err)) throw err;
        this.defer(write, err);
        return;
      }
    }
    this.defer(write);
  }

  /** Queues a write (after a failed attempt `err`, when there was one). */
  defer(write: BufferedWrite, err?: unknown): void {
    const bytes = sizeOf(write);
    if (write.kind === 'results' && this.resultsBytes + bytes > this.maxBytes) {
      if (this.dropped === 0)
        this.log.error(
          { maxBytes: this.maxBytes },
          `the write buffer is full (${mib(this.maxBytes)} of probe results) while ${this.name} is away: new probe results are dropped (counted) until it answers; incidents and alerts are still kept`,
        );
      this.dropped += write.rows.length;
      this.noteFailure(err);
      return;
    }
    if (write.kind === 'judgement') this.supersedeEngineStates(write.write);
    this.queue.push({
      write,
      bytes,
      inDoubt: err instanceof CommitInDoubtError ? err.committed : null,
      writes: 1,
    });
    this.bytes += bytes;
    if (write.kind === 'results') this.resultsBytes += bytes;
    this.noteFailure(err);
    if (!this.pumping && !this.timer) this.schedule();
  }

  /**
   * Resolves when nothing waits, so that a read sees every write made before it: waits while the
   * waiting writes are being written, and throws (the reason the database is away) while they wait
   * for their next attempt.
   */
  async readable(): Promise<void> {
    if (this.queue.length === 0) return;
    if (this.pumping) await this.pumping;
    if (this.queue.length > 0)
      throw Object.assign(
        new Error(
          `${this.name} is unreachable (${this.lastError?.message ?? 'no answer'}); ${this.queue.length} writes wait in memory`,
        ),
        { code: '08006' },
      );
  }

  /** Tries to write what waits for up to closeTimeoutMs; logs what could not be written. */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + (this.opts.closeTimeoutMs ?? 10_000);
    while (this.queue.length > 0 && Date.now() < deadline) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await (this.pumping ?? this.pump());
      if (this.queue.length > 0) await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length > 0 || this.dropped > 0) {
      const s = this.state();
      this.log.error(
        { ...s },
        `stopping while ${this.name} is unreachable: ${s.writes} buffered writes (${s.results} probe results) could not be written and are lost${s.dropped ? `, and ${s.dropped} probe results were dropped when the buffer was full` : ''}`,
      );
    }
  }

  private run(write: BufferedWrite): Promise<unknown> {
    switch (write.kind) {
      case 'results':
        return this.inner.writeResults(write.rows);
      case 'judgement':
        return this.inner.writeJudgement(write.write);
      case 'surface': {
        const s = write.surface;
        return this.inner.saveToolSurface(s.server, s.fingerprint, s.serverVersion, s.tools, s.firstSeenAt);
      }
      case 'outbox':
        return this.inner.updateOutbox(write.id, write.patch);
      case 'meta':
        return this.inner.setMeta(write.key, write.value);
    }
  }

  private noteFailure(err: unknown): void {
    if (err !== undefined) this.lastError = err instanceof Error ? err : new Error(String(err));
    const now = Date.now();
    if (this.since === null) {
      this.since = now;
      this.lastWarnAt = now;
      this.log.warn(
        { err: this.lastError?.message },
        `${this.name} is unreachable (${this.lastError?.message ?? 'no answer'}): writes are kept in memory (probe results up to ${mib(this.maxBytes)}) and written in order when it answers; retrying with backoff`,
      );
    } else if (now - this.lastWarnAt >= this.warnEveryMs) {
      this.lastWarnAt = now;
      const s = this.state();
      this.log.warn(
        { ...s },
        `${this.name} is still unreachable after ${Math.round((now - this.since) / 1000)} s: ${s.writes} writes wait (${s.results} probe results, ${mib(s.bytes)} of ${mib(s.maxBytes)})${s.dropped ? `, ${s.dropped} probe results dropped` : ''}; last error: ${s.lastError}`,
      );
    }
  }

  /** A queued engine state of a server is replaced by its newer one (both are upserts of one row). */
  private supersedeEngineStates(w: JudgementWrite): void {
    const servers = new Set((w.engineState ?? []).map((s) => s.server));
    if (servers.size === 0) return;
    // The first item may be in flight: leave it as it is.
    for (let i = this.pumping ? 1 : 0; i < this.queue.length; i++) {
      const item = this.queue[i]!;
      if (item.write.kind !== 'judgement' || !item.write.write.engineState?.length) continue;
      const kept = item.write.write.engineState.filter((s) => !servers.has(s.server));
      if (kept.length === item.write.write.engineState.length) continue;
      const write: BufferedWrite = { kind: 'judgement', write: { ...item.write.write, engineState: kept } };
      const bytes = sizeOf(write);
      this.bytes += bytes - item.bytes;
      item.write = write;
      item.bytes = bytes;
    }
  }

  /**
   * The first item, with the batches of results that follow it merged into it (one transaction
   * instead of one per batch; their order is kept). An item in doubt is never merged.
   */
  private mergeHead(): Item {
    const head = this.queue[0]!;
    if (head.write.kind !== 'results' || head.inDoubt) return head;
    let rows = head.write.rows;
    let k = 1;
    for (; k < this.queue.length; k++) {
      const next = this.queue[k]!;
      if (next.write.kind !== 'results' || next.inDoubt) break;
      if (rows.length + next.write.rows.length > MERGE_ROWS) break;
      rows = rows.concat(next.write.rows);
    }
    if (k === 1) return head;
    const merged = this.queue.splice(0, k);
    const item: Item = {
      write: { kind: 'results', rows },
      bytes: merged.reduce((n, i) => n + i.bytes, 0),
      inDoubt: null,
      writes: merged.reduce((n, i) => n + i.writes, 0),
    };
    this.queue.unshift(item);
    return item;
  }

  private schedule(): void {
    if (this.closed) return;
    const delay = MIN_RETRY_MS + backoffDelay(Math.max(1, this.attempts), this.backoff, this.random);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, delay);
    this.timer.unref();
  }

  /** Writes the queue in order until it is empty or the database fails again. */
  private pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = null;
      // A write queued while the last one was being written, after the loop ended.
      if (this.queue.length > 0 && !this.timer) this.schedule();
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    let written = 0;
    let results = 0;
    while (this.queue.length > 0) {
      const item = this.mergeHead();
      try {
        let done = false;
        if (item.inDoubt) {
          done = await item.inDoubt();
          item.inDoubt = null;
        }
        if (!done) await this.run(item.write);
      } catch (err) {
        if (err instanceof CommitInDoubtError) item.inDoubt = err.committed;
        if (isTransientStoreError(err)) {
          this.attempts += 1;
          this.noteFailure(err);
          if (written > 0)
            this.log.info({ written }, `${written} buffered writes written before it failed again`);
          this.schedule();
          return;
        }
        this.log.error(
          { err, kind: item.write.kind },
          `a buffered ${item.write.kind} write was refused by ${this.name} and is dropped: ${(err as Error).message}`,
        );
      }
      this.queue.shift();
      this.bytes -= item.bytes;
      if (item.write.kind === 'results') {
        this.resultsBytes -= item.bytes;
        results += item.write.rows.length;
      }
      written += item.writes;
    }
    if (this.since !== null) {
      const secs = Math.round((Date.now() - this.since) / 1000);
      this.log.info(
        { written, results, dropped: this.dropped, seconds: secs },
        `${this.name} answers again after ${secs} s: ${written} buffered writes (${results} probe results) written in order${this.dropped ? `; ${this.dropped} probe results had been dropped when the buffer was full` : ''}`,
      );
    }
    this.since = null;
    this.lastError = null;
    this.attempts = 0;
    this.dropped = 0;
  }
}

/** The size of a write as JSON text, roughly what it costs in memory. */
function sizeOf(w: BufferedWrite): number {
  switch (w.kind) {
    case 'results':
      return w.rows.reduce((n, r) => n + 64 + JSON.stringify(r.result).length, 0);
    case 'judgement':
      return JSON.stringify(w.write).length;
    case 'surface':
      return JSON.stringify(w.surface.tools).length + 128;
    case 'outbox':
      return 128 + (w.patch.lastError?.length ?? 0);
    case 'meta':
      return 64 + w.key.length + (w.value?.length ?? 0);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
