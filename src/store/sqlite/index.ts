/**
 * The embedded Store: one SQLite file (WAL) through better-sqlite3. better-sqlite3 is synchronous;
 * the methods are async to honour the Store interface, which PostgreSQL shares.
 */
import { existsSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { Incident, Warning } from '../../engine/types.js';
import type { LayerName, ToolDefinition } from '../../probe/types.js';
import { GRANULARITIES } from '../rollup.js';
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
} from '../store.js';
import { Connection } from './connection.js';
import { checkHealth, identityOf, type FileIdentity } from './health.js';
import * as judgement from './judgement.js';
import * as meta from './meta.js';
import { migrate } from './migrations.js';
import * as outbox from './outbox.js';
import * as results from './results.js';
import * as rollups from './rollups.js';
import * as surfaces from './surfaces.js';
import { pruneTemplatesChunk } from './templates.js';
import { forgetNames } from './names.js';

export const DEFAULT_SQLITE_PATH = './data/mcpwatch.db';

/** Rows deleted per transaction by prune(), so a big prune never holds the write lock for long. */
const PRUNE_CHUNK = 5_000;

export interface SqliteStoreOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly conn: Connection;
  /** True when opening created the file (nothing was at the path): serve says so loudly. */
  readonly created: boolean;
  private readonly identity: FileIdentity | null;
  private lastHealth: { at: number; health: StoreHealth } | null = null;

  constructor(path: string, opts: SqliteStoreOptions = {}) {
    const inFile = path !== ':memory:' && path !== '' && !path.startsWith('file:');
    this.created = inFile && !existsSync(path);
    this.conn = new Connection(path);
    if (opts.migrate !== false) migrate(this.conn);
    this.identity = identityOf(path);
  }

  /** The file still the one opened, and a small write commits; checked at most once a second. */
  async health(): Promise<StoreHealth> {
    const now = Date.now();
    if (this.lastHealth && now - this.lastHealth.at < 1_000) return this.lastHealth.health;
    const health = checkHealth(this.conn, this.identity, now);
    this.lastHealth = { at: now, health };
    return health;
  }

  /** The underlying connection, for SQLite-only tooling (benchmarks, backups). */
  get db(): Database.Database {
    return this.conn.db;
  }

  async migrate(): Promise<void> {
    migrate(this.conn);
  }

  async close(): Promise<void> {
    this.conn.close();
  }

  async writeResults(rows: StoredResult[]): Promise<void> {
    results.writeResults(this.conn, rows);
  }

  /**
   * Inserts raw results as they are, keeping their ids, without touching rollups (one transaction):
   * for copying a store (`mcpwatch migrate`), whose rollups are copied on their own.
   */
  async importResults(rows: readonly StoredResult[]): Promise<void> {
    try {
      this.conn.write(() => results.insertResults(this.conn, rows));
    } catch (err) {
      forgetNames(this.conn);
      throw err;
    }
  }

  /**
   * Adds rollups as deltas, merged into the buckets they name (one transaction): for tooling that
   * seeds or copies history without raw rows (benchmarks, tests, copying between stores).
   */
  async importRollups(rows: readonly Rollup[]): Promise<void> {
    try {
      this.conn.write(() => {
        for (const r of rows) rollups.upsertRollup(this.conn, r);
      });
    } catch (err) {
      forgetNames(this.conn);
      throw err;
    }
  }

  async listResults(q: ResultQuery): Promise<StoredResult[]> {
    return results.listResults(this.conn, q);
  }

  async rollups(
    server: string,
    g: Granularity,
    since: number,
    until: number,
    region?: string,
  ): Promise<Rollup[]> {
    return rollups.rollups(this.conn, server, g, since, until, region);
  }

  async rollupsByRegion(server: string, g: Granularity, since: number, until: number): Promise<Rollup[]> {
    return rollups.rollupsByRegion(this.conn, server, g, since, until);
  }

  async dailyAvailability(server: string, days: number, now: number, region?: string): Promise<DailyBar[]> {
    return rollups.dailyAvailability(this.conn, server, days, now, region);
  }

  async latencyQuantiles(
    server: string,
    since: number,
    until: number,
    qs: number[],
    opts?: { layer?: LayerName; region?: string },
  ): Promise<LatencyQuantiles> {
    return rollups.latencyQuantiles(this.conn, server, since, until, qs, opts);
  }

  /** Deletes in chunks of PRUNE_CHUNK rows, yielding between them so other writers interleave. */
  async prune(
    rawBefore: number,
    rollupsBefore: number,
    minuteRollupsBefore = rollupsBefore,
  ): Promise<{ raw: number; rollups: number }> {
    const raw = await this.deleteInChunks(() => results.pruneResultsChunk(this.conn, rawBefore, PRUNE_CHUNK));
    // Templates that no remaining result can use (their last_at bounds the `at` of every user).
    await this.deleteInChunks(() => pruneTemplatesChunk(this.conn, rawBefore, PRUNE_CHUNK));
    let rolled = 0;
    for (const g of GRANULARITIES) {
      const before = g === 'minute' ? minuteRollupsBefore : rollupsBefore;
      rolled += await this.deleteInChunks(() => rollups.pruneRollupsChunk(this.conn, g, before, PRUNE_CHUNK));
    }
    return { raw, rollups: rolled };
  }

  private async deleteInChunks(deleteChunk: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = this.conn.write(deleteChunk);
      total += n;
      if (n < PRUNE_CHUNK) return total;
      await yieldToLoop();
    }
  }

  async saveToolSurface(
    server: string,
    fingerprint: string,
    serverVersion: string | null,
    tools: ToolDefinition[],
    at: number,
  ): Promise<{ surface: ToolSurface; changed: boolean }> {
    return surfaces.saveToolSurface(this.conn, server, fingerprint, serverVersion, tools, at);
  }

  async listToolSurfaces(server: string, limit?: number): Promise<Omit<ToolSurface, 'tools'>[]> {
    return surfaces.listToolSurfaces(this.conn, server, limit);
  }

  async getToolSurface(id: number): Promise<ToolSurface | null> {
    return surfaces.getToolSurface(this.conn, id);
  }

  async writeJudgement(w: JudgementWrite): Promise<void> {
    judgement.writeJudgement(this.conn, w);
  }

  async getIncident(id: string): Promise<Incident | null> {
    return judgement.getIncident(this.conn, id);
  }

  async listIncidents(q: IncidentQuery): Promise<Incident[]> {
    return judgement.listIncidents(this.conn, q);
  }

  async listWarnings(q: { server?: string; active?: boolean; limit?: number }): Promise<Warning[]> {
    return judgement.listWarnings(this.conn, q);
  }

  async loadEngineStates(): Promise<{ server: string; state: string; at: number }[]> {
    return judgement.loadEngineStates(this.conn);
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxMessage[]> {
    return outbox.dueOutbox(this.conn, now, limit);
  }

  async existingOutboxKeys(keys: readonly string[]): Promise<Set<string>> {
    return outbox.existingKeys(this.conn, keys);
  }

  async updateOutbox(
    id: number,
    patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>,
  ): Promise<void> {
    outbox.updateOutbox(this.conn, id, patch);
  }

  async getMeta(key: string): Promise<string | null> {
    return meta.getMeta(this.conn, key);
  }

  async setMeta(key: string, value: string | null): Promise<void> {
    meta.setMeta(this.conn, key, value);
  }

  async listMeta(prefix: string): Promise<{ key: string; value: string }[]> {
    return meta.listMeta(this.conn, prefix);
  }
}

/** Opens (creating its folder and migrating) the SQLite store at `path`; ':memory:' works for tests. */
export function openSqliteStore(path: string = DEFAULT_SQLITE_PATH, opts?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, opts);
}
