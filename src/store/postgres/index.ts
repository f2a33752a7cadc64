/**
 * The PostgreSQL Store: the same tables, rollups, retention and outbox semantics as SQLite, through a
 * pg Pool. The schema is the connection's search_path (set `?options=-c%20search_path%3Dname` in the
 * URL to use one other than `public`). Histograms are merged in JS under a row lock (SELECT … FOR
 * UPDATE), so concurrent writers never lose a count.
 */
import type pg from 'pg';
import { mergeStoredIncident } from '../../engine/reconcile.js';
import type { Incident, Warning } from '../../engine/types.js';
import type { LayerName, ToolDefinition } from '../../probe/types.js';
import { GRANULARITY_CODE } from '../compact.js';
import { aggregateResults, GRANULARITIES } from '../rollup.js';
import { lastPrunedBucket } from '../rollup-rows.js';
import {
  type DailyBar,
  type Granularity,
  type IncidentQuery,
  type JudgementWrite,
  type LatencyQuantiles,
  type OutboxMessage,
  type ResultQuery,
  type Rollup,
  type Store,
  type StoreHealth,
  type StoredResult,
  type ToolSurface,
} from '../store.js';
import { isTransientStoreError } from '../transient.js';
import { createPool, redactUrl, toJson, transaction } from './connection.js';
import { checkSchema, migrate } from './migrations.js';
import { Ids, insertResults, listResults, PRUNE_RESULTS, PRUNE_TEMPLATES, Where } from './results.js';
import * as rollups from './rollups.js';

const DEFAULT_LIST_LIMIT = 100;
/** The meta row health() writes. */
const HEALTH_KEY = 'store.health';
/** Rows deleted per statement by prune(), so a big prune never holds locks for long. */
const PRUNE_CHUNK = 5_000;

export interface PostgresStoreOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Pool size (default 4). */
  maxConnections?: number;
}

interface SurfaceRow {
  id: number;
  server: string;
  fingerprint: string;
  server_version: string | null;
  first_seen_at: number;
  tools?: string;
}

export interface OutboxRow {
  id: number;
  key: string;
  channel: string;
  incident_id: string | null;
  payload: string;
  created_at: number;
  not_before: number;
  attempts: number;
  status: OutboxMessage['status'];
  last_error: string | null;
}

export function outboxFromRow(x: OutboxRow): OutboxMessage {
  return {
    id: x.id,
    key: x.key,
    channel: x.channel,
    incidentId: x.incident_id,
    payload: JSON.parse(x.payload) as unknown,
    createdAt: x.created_at,
    notBefore: x.not_before,
    attempts: x.attempts,
    status: x.status,
    lastError: x.last_error,
  };
}

function toHead(r: SurfaceRow): Omit<ToolSurface, 'tools'> {
  return {
    id: r.id,
    server: r.server,
    fingerprint: r.fingerprint,
    serverVersion: r.server_version,
    firstSeenAt: r.first_seen_at,
  };
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private readonly ids = new Ids();

  constructor(readonly pool: pg.Pool) {}

  async migrate(): Promise<void> {
    await migrate(this.pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** PostgreSQL answers and a small write commits (a read-only standby or a full disk fail it). */
  async health(): Promise<StoreHealth> {
    try {
      await this.setMeta(HEALTH_KEY, String(Date.now()));
      return { ok: true, reason: null };
    } catch (err) {
      const e = err as Error & { code?: string };
      if (isTransientStoreError(err)) throw err;
      return {
        ok: false,
        reason: `writes to the PostgreSQL store fail: ${e.message}${e.code ? ` (${e.code})` : ''}`,
      };
    }
  }

  async writeResults(rows: StoredResult[]): Promise<void> {
    if (rows.length === 0) return;
    const deltas = aggregateResults(rows).sort(rollups.byKey);
    try {
      await transaction(this.pool, async (c) => {
        await insertResults(
          c,
          this.ids,
          rows.map(({ id: _id, ...r }) => r),
        );
        await rollups.upsertRollups(c, this.ids, deltas);
      });
    } catch (err) {
      this.ids.clear();
      throw err;
    }
  }

  /**
   * Inserts raw results as they are, keeping their ids, without touching rollups (one transaction):
   * for copying a store (`mcpwatch migrate`), whose rollups are copied on their own.
   */
  async importResults(rows: readonly StoredResult[]): Promise<void> {
    try {
      await transaction(this.pool, (c) => insertResults(c, this.ids, rows));
    } catch (err) {
      this.ids.clear();
      throw err;
    }
  }

  /**
   * Adds rollups as deltas, merged into the buckets they name (one transaction): for tooling that
   * seeds or copies history without raw rows (benchmarks, tests, copying between stores).
   */
  async importRollups(rows: readonly Rollup[]): Promise<void> {
    const deltas = [...rows].sort(rollups.byKey);
    try {
      await transaction(this.pool, async (c) => {
        await rollups.upsertRollups(c, this.ids, deltas);
      });
    } catch (err) {
      this.ids.clear();
      throw err;
    }
  }

  async listResults(q: ResultQuery): Promise<StoredResult[]> {
    return listResults(this.pool, q);
  }

  async rollups(
    server: string,
    g: Granularity,
    since: number,
    until: number,
    region?: string,
  ): Promise<Rollup[]> {
    return rollups.rollups(this.pool, server, g, since, until, region);
  }

  async rollupsByRegion(server: string, g: Granularity, since: number, until: number): Promise<Rollup[]> {
    return rollups.rollupsByRegion(this.pool, server, g, since, until);
  }

  async dailyAvailability(server: string, days: number, now: number, region?: string): Promise<DailyBar[]> {
    return rollups.dailyAvailability(this.pool, server, days, now, region);
  }

  async latencyQuantiles(
    server: string,
    since: number,
    until: number,
    qs: number[],
    opts: { layer?: LayerName; region?: string } = {},
  ): Promise<LatencyQuantiles> {
    return rollups.latencyQuantiles(this.pool, server, since, until, qs, opts);
  }

  async prune(
    rawBefore: number,
    rollupsBefore: number,
    minuteRollupsBefore = rollupsBefore,
  ): Promise<{ raw: number; rollups: number }> {
    const raw = await this.deleteInChunks(PRUNE_RESULTS, [rawBefore]);
    // Templates no remaining result can use (their last_at bounds the `at` of every user).
    this.ids.templates.clear();
    await this.deleteInChunks(PRUNE_TEMPLATES, [rawBefore]);
    let rolled = 0;
    for (const g of GRANULARITIES) {
      const before = g === 'minute' ? minuteRollupsBefore : rollupsBefore;
      rolled += await this.deleteInChunks(rollups.PRUNE_ROLLUPS, [
        GRANULARITY_CODE[g],
        lastPrunedBucket(g, before),
      ]);
    }
    return { raw, rollups: rolled };
  }

  private async deleteInChunks(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.pool.query(sql, [...params, PRUNE_CHUNK])).rowCount ?? 0;
      total += n;
      if (n < PRUNE_CHUNK) return total;
    }
  }

  async saveToolSurface(
    server: string,
    fingerprint: string,
    serverVersion: string | null,
    tools: ToolDefinition[],
    at: number,
  ): Promise<{ surface: ToolSurface; changed: boolean }> {
    return transaction(this.pool, async (c) => {
      // One writer per server decides "changed", so two processes never store the same surface twice.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('mcpwatch.surface:' || $1))", [server]);
      const latest = (
        await c.query<SurfaceRow>('SELECT * FROM tool_surfaces WHERE server = $1 ORDER BY id DESC LIMIT 1', [
          server,
        ])
      ).rows[0];
      if (latest && latest.fingerprint === fingerprint)
        return {
          surface: { ...toHead(latest), tools: JSON.parse(latest.tools!) as ToolDefinition[] },
          changed: false,
        };
      const text = toJson(tools);
      const r = await c.query<{ id: number }>(
        `INSERT INTO tool_surfaces (server, fingerprint, server_version, first_seen_at, tools)
          VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [server, fingerprint, serverVersion, at, text],
      );
      const surface: ToolSurface = {
        id: r.rows[0]!.id,
        server,
        fingerprint,
        serverVersion,
        firstSeenAt: at,
        tools: JSON.parse(text) as ToolDefinition[],
      };
      return { surface, changed: true };
    });
  }

  async listToolSurfaces(server: string, limit = 100): Promise<Omit<ToolSurface, 'tools'>[]> {
    const r = await this.pool.query<SurfaceRow>(
      `SELECT id, server, fingerprint, server_version, first_seen_at FROM tool_surfaces
        WHERE server = $1 ORDER BY id DESC LIMIT $2`,
      [server, limit],
    );
    return r.rows.map(toHead);
  }

  async getToolSurface(id: number): Promise<ToolSurface | null> {
    const r = (await this.pool.query<SurfaceRow>('SELECT * FROM tool_surfaces WHERE id = $1', [id])).rows[0];
    return r ? { ...toHead(r), tools: JSON.parse(r.tools!) as ToolDefinition[] } : null;
  }

  async writeJudgement(w: JudgementWrite): Promise<void> {
    await transaction(this.pool, async (c) => {
      for (const mine of w.incidents ?? []) {
        // Several instances write one incident (the judging one, and any that takes an
        // acknowledgement or an update): lock the row and fold in what the stored copy has that this
        // one lacks, so a change committed by another instance is never written over.
        const row = (
          await c.query<{ data: string }>('SELECT data FROM incidents WHERE id = $1 FOR UPDATE', [mine.id])
        ).rows[0];
        const i = row ? mergeStoredIncident(mine, JSON.parse(row.data) as Incident) : mine;
        await c.query(
          `INSERT INTO incidents (id, server, severity, status, opened_at, resolved_at, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET server = excluded.server, severity = excluded.severity,
              status = excluded.status, opened_at = excluded.opened_at, resolved_at = excluded.resolved_at,
              data = excluded.data`,
          [i.id, i.server, i.severity, i.status, i.openedAt, i.resolvedAt, toJson(i)],
        );
      }
      for (const x of w.warnings ?? [])
        await c.query(
          `INSERT INTO warnings (id, server, rule, opened_at, cleared_at, data) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET server = excluded.server, rule = excluded.rule,
              opened_at = excluded.opened_at, cleared_at = excluded.cleared_at, data = excluded.data`,
          [x.id, x.server, x.rule, x.openedAt, x.clearedAt, toJson(x)],
        );
      for (const m of w.outbox ?? [])
        await c.query(
          `INSERT INTO outbox (key, channel, incident_id, payload, created_at, not_before, attempts, status,
            last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
          [
            m.key,
            m.channel,
            m.incidentId,
            toJson(m.payload),
            m.createdAt,
            m.notBefore,
            m.attempts,
            m.status,
            m.lastError,
          ],
        );
      for (const s of w.engineState ?? [])
        await c.query(
          `INSERT INTO engine_state (server, state, at) VALUES ($1, $2, $3)
            ON CONFLICT (server) DO UPDATE SET state = excluded.state, at = excluded.at`,
          [s.server, s.state, s.at],
        );
    });
  }

  async getIncident(id: string): Promise<Incident | null> {
    const r = (await this.pool.query<{ data: string }>('SELECT data FROM incidents WHERE id = $1', [id]))
      .rows[0];
    return r ? (JSON.parse(r.data) as Incident) : null;
  }

  async listIncidents(q: IncidentQuery): Promise<Incident[]> {
    const w = new Where();
    if (q.server !== undefined) w.add((p) => `server = ${p}`, q.server);
    if (q.open !== undefined) w.raw(q.open ? "status <> 'resolved'" : "status = 'resolved'");
    const limit = w.next(q.limit ?? DEFAULT_LIST_LIMIT);
    const r = await this.pool.query<{ data: string }>(
      `SELECT data FROM incidents${w.sql} ORDER BY opened_at DESC, id DESC LIMIT ${limit}`,
      w.params,
    );
    return r.rows.map((x) => JSON.parse(x.data) as Incident);
  }

  async listWarnings(q: { server?: string; active?: boolean; limit?: number }): Promise<Warning[]> {
    const w = new Where();
    if (q.server !== undefined) w.add((p) => `server = ${p}`, q.server);
    if (q.active !== undefined) w.raw(q.active ? 'cleared_at IS NULL' : 'cleared_at IS NOT NULL');
    const limit = w.next(q.limit ?? DEFAULT_LIST_LIMIT);
    const r = await this.pool.query<{ data: string }>(
      `SELECT data FROM warnings${w.sql} ORDER BY opened_at DESC, id DESC LIMIT ${limit}`,
      w.params,
    );
    return r.rows.map((x) => JSON.parse(x.data) as Warning);
  }

  async loadEngineStates(): Promise<{ server: string; state: string; at: number }[]> {
    return (
      await this.pool.query<{ server: string; state: string; at: number }>(
        'SELECT server, state, at FROM engine_state ORDER BY server',
      )
    ).rows;
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxMessage[]> {
    const r = await this.pool.query<OutboxRow>(
      `SELECT * FROM outbox WHERE status = 'pending' AND not_before <= $1 ORDER BY not_before, id LIMIT $2`,
      [now, limit],
    );
    return r.rows.map(outboxFromRow);
  }

  async existingOutboxKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const r = await this.pool.query<{ key: string }>('SELECT key FROM outbox WHERE key = ANY($1::text[])', [
      [...keys],
    ]);
    return new Set(r.rows.map((x) => x.key));
  }

  async updateOutbox(
    id: number,
    patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = coalesce($1::text, status), attempts = coalesce($2::integer, attempts),
        not_before = coalesce($3::bigint, not_before),
        last_error = CASE WHEN $4::boolean THEN $5::text ELSE last_error END
        WHERE id = $6`,
      [
        patch.status ?? null,
        patch.attempts ?? null,
        patch.notBefore ?? null,
        patch.lastError !== undefined,
        patch.lastError ?? null,
        id,
      ],
    );
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return r.rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string | null): Promise<void> {
    if (value === null) {
      await this.pool.query('DELETE FROM meta WHERE key = $1', [key]);
      return;
    }
    await this.pool.query(
      `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, value, Date.now()],
    );
  }

  async listMeta(prefix: string): Promise<{ key: string; value: string }[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const r = await this.pool.query<{ key: string; value: string }>(
      "SELECT key, value FROM meta WHERE key LIKE $1 ESCAPE '\\' ORDER BY key",
      [`${escaped}%`],
    );
    return r.rows;
  }
}

export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

/**
 * Connects (failing fast when PostgreSQL is unreachable: CONNECT_TIMEOUT_MS), checks or applies the
 * migrations, and returns the store. Errors name the URL without its password.
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const pool = createPool(url, opts.maxConnections);
  try {
    if (opts.migrate === false) await checkSchema(pool);
    else await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    const e = err as Error & { code?: string };
    throw new PostgresUnavailableError(
      `cannot open the PostgreSQL store at ${redactUrl(url)}: ${e.message || e.code || String(err)}`,
    );
  }
  return new PostgresStore(pool);
}
