/**
 * Batches what the monitor writes on every probe into the store: the results, and the routine saves
 * of engine states that nothing else changed (commit.ts). One transaction per batch instead of one per
 * probe, flushed when the batch is full or a short interval (100 ms) has passed, and on stop so that
 * nothing is lost. The interval is short on purpose: a result or a state's text held for a second
 * outlives two young-generation collections and is promoted, and old-generation garbage is what V8
 * grows the heap for (at 50,000 servers a 1 s batch was ~1 KB promoted per probe); a transaction every
 * 100 ms costs SQLite nothing that matters. A routine save waits at most that interval; a state held here is superseded by a newer one of
 * the same server, and `unsave` takes it back when a judgement writes the server's state itself. A
 * routine save that fails is dropped, not retried (see flush).
 */
import type { Store, StoredResult } from '../store/store.js';
import type { Logger } from '../util/logger.js';

export interface StateSave {
  server: string;
  state: string;
  at: number;
}

export class ResultWriter {
  private batch: StoredResult[] = [];
  private states = new Map<string, StateSave>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly opts: { maxRows: number; maxDelayMs: number } = { maxRows: 500, maxDelayMs: 100 },
  ) {}

  add(row: StoredResult): void {
    this.batch.push(row);
    if (this.batch.length >= this.opts.maxRows) void this.flush();
    else this.arm();
  }

  /** A routine save of a server's state, written with the next batch (a later one replaces it). */
  save(s: StateSave): void {
    this.states.set(s.server, s);
    this.arm();
  }

  /**
   * Takes back the server's routine save, for a judgement that writes the state itself: resolves once
   * no batch still holds an older state of it, so the judgement's write is the last.
   */
  unsave(server: string): Promise<void> {
    this.states.delete(server);
    return this.flushing;
  }

  /** Writes what is pending; resolves when every row and state handed in so far is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.batch;
    const states = this.states;
    this.batch = [];
    this.states = new Map();
    if (rows.length > 0)
      this.flushing = this.flushing.then(() =>
        this.store.writeResults(rows).catch((err: unknown) => {
          this.log.error(
            { err, rows: rows.length },
            'writing probe results failed; retrying with the next batch',
          );
          this.batch.unshift(...rows);
        }),
      );
    if (states.size > 0)
      this.flushing = this.flushing.then(() =>
        this.store.writeJudgement({ engineState: [...states.values()] }).catch((err: unknown) => {
          // Not retried: a judgement may have written a newer state meanwhile. The next routine save
          // comes within a minute, and a restart judges again the results written since the last one.
          this.log.error(
            { err, states: states.size },
            'saving engine states failed; the next routine save follows',
          );
        }),
      );
    return this.flushing;
  }

  private arm(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.opts.maxDelayMs);
  }
}
