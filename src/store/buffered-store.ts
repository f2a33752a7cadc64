/**
 * A Store that outlives a lost database connection (serve on PostgreSQL): writes that cannot be
 * made are kept in memory, in order, and written when the database answers (store/write-buffer.ts);
 * reads made meanwhile fail rather than miss those writes, except the two the monitor needs to keep
 * judging: which outbox keys exist (answered from the keys written through this store) and
 * saveToolSurface (answered from the last fingerprint seen, the save itself queued). health() says
 * "degraded" with the reason while writes wait.
 *
 * It wraps a store rather than living in the monitor's result writer because every writer of serve
 * (results, the engine's incidents/outbox/state, the delivery worker's sent marks, tokens and
 * settings) goes through the Store, and one queue in front of it keeps them all in one order.
 */
import type { Incident, Warning } from '../engine/types.js';
import type { LayerName, ToolDefinition } from '../probe/types.js';
import type { Logger } from '../util/logger.js';
import type {
  DailyBar,
  Granularity,
  IncidentQuery,
  JudgementWrite,
  LatencyQuantiles,
  OutboxMessage,
  ResultQuery,
  Rollup,
  Store,
  StoreHealth,
  StoredResult,
  ToolSurface,
} from './store.js';
import { isTransientStoreError } from './transient.js';
import { WriteBuffer, type BufferState, type WriteBufferOptions } from './write-buffer.js';

/** Outbox keys remembered for existingOutboxKeys() while the database is away. */
const KNOWN_KEYS = 20_000;

export class BufferedStore implements Store {
  readonly kind: Store['kind'];
  private readonly buffer: WriteBuffer;
  private readonly knownKeys = new Map<string, true>();
  private readonly fingerprints = new Map<string, string>();

  constructor(
    readonly inner: Store,
    log: Pick<Logger, 'warn' | 'info' | 'error'>,
    opts?: WriteBufferOptions,
  ) {
    this.kind = inner.kind;
    this.buffer = new WriteBuffer(inner, log, opts);
  }

  /** What waits in memory now. */
  bufferState(): BufferState {
    return this.buffer.state();
  }

  async health(): Promise<StoreHealth> {
    if (this.buffer.buffering) return { ok: false, degraded: true, reason: describe(this.buffer.state()) };
    try {
      if (this.inner.health) return await this.inner.health();
      await this.inner.getMeta('store.health');
      return { ok: true, reason: null };
    } catch (err) {
      const reason = `the store does not answer: ${(err as Error).message}`;
      return isTransientStoreError(err)
        ? { ok: false, degraded: true, reason: `${reason}; writes will wait in memory until it does` }
        : { ok: false, reason };
    }
  }

  migrate(): Promise<void> {
    return this.inner.migrate();
  }

  async close(): Promise<void> {
    await this.buffer.close();
    await this.inner.close();
  }

  // ---- writes: made now, or kept in order until the database answers -----------------------

  writeResults(rows: StoredResult[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.buffer.submit({ kind: 'results', rows });
  }

  async writeJudgement(w: JudgementWrite): Promise<void> {
    await this.buffer.submit({ kind: 'judgement', write: w });
    for (const m of w.outbox ?? []) this.remember(m.key);
  }

  updateOutbox(
    id: number,
    patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>,
  ): Promise<void> {
    return this.buffer.submit({ kind: 'outbox', id, patch });
  }

  setMeta(key: string, value: string | null): Promise<void> {
    return this.buffer.submit({ kind: 'meta', key, value });
  }

  /**
   * While the database is away: `changed` when the fingerprint differs from the last one saved
   * through this store (the monitor asks only when it differs from the one it knows), the save
   * queued, and id 0 until it is written.
   */
  async saveToolSurface(
    server: string,
    fingerprint: string,
    serverVersion: string | null,
    tools: ToolDefinition[],
    at: number,
  ): Promise<{ surface: ToolSurface; changed: boolean }> {
    try {
      await this.buffer.readable();
      const r = await this.inner.saveToolSurface(server, fingerprint, serverVersion, tools, at);
      this.fingerprints.set(server, fingerprint);
      return r;
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
      const changed = this.fingerprints.get(server) !== fingerprint;
      this.fingerprints.set(server, fingerprint);
      const surface = { server, fingerprint, serverVersion, firstSeenAt: at, tools };
      if (changed) this.buffer.defer({ kind: 'surface', surface }, err);
      return { surface: { id: 0, ...surface }, changed };
    }
  }

  /** While the database is away: the keys written (or queued) through this store. */
  async existingOutboxKeys(keys: readonly string[]): Promise<Set<string>> {
    const known = new Set(keys.filter((k) => this.knownKeys.has(k)));
    try {
      await this.buffer.readable();
      for (const k of await this.inner.existingOutboxKeys(keys)) known.add(k);
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
    }
    return known;
  }

  private remember(key: string): void {
    this.knownKeys.delete(key);
    this.knownKeys.set(key, true);
    if (this.knownKeys.size > KNOWN_KEYS) this.knownKeys.delete(this.knownKeys.keys().next().value!);
  }

  // ---- reads: after every waiting write ----------------------------------------------------

  async prune(
    rawBefore: number,
    rollupsBefore: number,
    minuteRollupsBefore?: number,
  ): Promise<{ raw: number; rollups: number }> {
    await this.buffer.readable();
    return this.inner.prune(rawBefore, rollupsBefore, minuteRollupsBefore);
  }

  async listResults(q: ResultQuery): Promise<StoredResult[]> {
    await this.buffer.readable();
    return this.inner.listResults(q);
  }

  async rollups(
    server: string,
    g: Granularity,
    since: number,
    until: number,
    region?: string,
  ): Promise<Rollup[]> {
    await this.buffer.readable();
    return this.inner.rollups(server, g, since, until, region);
  }

  async rollupsByRegion(server: string, g: Granularity, since: number, until: number): Promise<Rollup[]> {
    await this.buffer.readable();
    return this.inner.rollupsByRegion(server, g, since, until);
  }

  async dailyAvailability(server: string, days: number, now: number, region?: string): Promise<DailyBar[]> {
    await this.buffer.readable();
    return this.inner.dailyAvailability(server, days, now, region);
  }

  async latencyQuantiles(
    server: string,
    since: number,
    until: number,
    qs: number[],
    opts?: { layer?: LayerName; region?: string },
  ): Promise<LatencyQuantiles> {
    await this.buffer.readable();
    return this.inner.latencyQuantiles(server, since, until, qs, opts);
  }

  async listToolSurfaces(server: string, limit?: number): Promise<Omit<ToolSurface, 'tools'>[]> {
    await this.buffer.readable();
    return this.inner.listToolSurfaces(server, limit);
  }

  async getToolSurface(id: number): Promise<ToolSurface | null> {
    await this.buffer.readable();
    return this.inner.getToolSurface(id);
  }

  async getIncident(id: string): Promise<Incident | null> {
    await this.buffer.readable();
    return this.inner.getIncident(id);
  }

  async listIncidents(q: IncidentQuery): Promise<Incident[]> {
    await this.buffer.readable();
    return this.inner.listIncidents(q);
  }

  async listWarnings(q: { server?: string; active?: boolean; limit?: number }): Promise<Warning[]> {
    await this.buffer.readable();
    return this.inner.listWarnings(q);
  }

  async loadEngineStates(): Promise<{ server: string; state: string; at: number }[]> {
    await this.buffer.readable();
    return this.inner.loadEngineStates();
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxMessage[]> {
    await this.buffer.readable();
    return this.inner.dueOutbox(now, limit);
  }

  async getMeta(key: string): Promise<string | null> {
    await this.buffer.readable();
    return this.inner.getMeta(key);
  }

  async listMeta(prefix: string): Promise<{ key: string; value: string }[]> {
    await this.buffer.readable();
    return this.inner.listMeta(prefix);
  }
}

function describe(s: BufferState): string {
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  const since = s.since === null ? '' : ` since ${new Date(s.since).toISOString()}`;
  return (
    `the database is unreachable${since} (${s.lastError ?? 'no answer'}): ${s.writes} writes wait in memory ` +
    `(${s.results} probe results, ${mib(s.bytes)} of ${mib(s.maxBytes)} MiB) and are written in order when it answers` +
    (s.dropped ? `; ${s.dropped} probe results were dropped because the buffer was full` : '')
  );
}
