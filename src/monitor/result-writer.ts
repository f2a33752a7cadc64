/**
 * Batches probe results into the store: one transaction per batch instead of one per probe, flushed
 * when the batch is full or a short interval has passed, and on stop so that no result is lost.
 */
import type { Store, StoredResult } from '../store/store.js';
import type { Logger } from '../util/logger.js';

export class ResultWriter {
  private batch: StoredResult[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly opts: { maxRows: number; maxDelayMs: number } = { maxRows: 500, maxDelayMs: 1_000 },
  ) {}

  add(row: StoredResult): void {
    this.batch.push(row);
    if (this.batch.length >= this.opts.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.maxDelayMs);
  }

  /** Writes what is pending; resolves when every row handed in so far is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.batch;
    this.batch = [];
    if (rows.length > 0) {
      this.flushing = this.flushing.then(() =>
        this.store.writeResults(rows).catch((err: unknown) => {
          this.log.error(
            { err, rows: rows.length },
            'writing probe results failed; retrying with the next batch',
          );
          this.batch.unshift(...rows);
        }),
      );
    }
    return this.flushing;
  }
}
