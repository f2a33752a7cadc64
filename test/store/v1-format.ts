/**
 * Stores in the v1 format (schema version 1: every probe a full JSON row, rollups with JSON
 * histograms), written the way mcpwatch did before compact results: for the migration tests and for
 * the benchmark's "before" figure.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { LAYERS, type LayerName } from '../../src/probe/types.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { aggregateResults } from '../../src/store/rollup.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { StoredResult } from '../../src/store/store.js';
import { merge, type Histogram } from '../../src/util/histogram.js';

const SCHEMA_MIGRATIONS = `CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;

/** Creates a v1 SQLite file at `path` and returns its connection. */
export function createV1Sqlite(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SQLITE_MIGRATIONS[0]!.sql);
  db.exec(SCHEMA_MIGRATIONS);
  db.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', 0)").run();
  return db;
}

type Layers = Record<LayerName, Histogram>;

/** v1 writeResults on SQLite: JSON rows and merged JSON rollups, one transaction. */
export function writeV1Sqlite(db: Database.Database, rows: readonly StoredResult[]): void {
  const insert = db.prepare(
    'INSERT INTO results (server, region, at, ok, layer, code, duration_ms, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const KEY = 'server = ? AND granularity = ? AND bucket = ? AND region = ?';
  const get = db.prepare<unknown[], { latency: string; layer_latency: string }>(
    `SELECT latency, layer_latency FROM rollups WHERE ${KEY}`,
  );
  const add =
    db.prepare(`INSERT INTO rollups (server, granularity, bucket, region, total, failed, failed_transport,
    failed_http, failed_initialize, failed_tools_list, latency, layer_latency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE rollups SET total = total + ?, failed = failed + ?,
    failed_transport = failed_transport + ?, failed_http = failed_http + ?, failed_initialize = failed_initialize + ?,
    failed_tools_list = failed_tools_list + ?, latency = ?, layer_latency = ? WHERE ${KEY}`);
  db.transaction(() => {
    for (const r of rows) {
      const f = r.result.failure;
      insert.run(
        r.server,
        r.region,
        r.at,
        r.ok ? 1 : 0,
        f?.layer ?? null,
        f?.code ?? null,
        r.result.durationMs,
        JSON.stringify(r.result),
      );
    }
    for (const d of aggregateResults(rows)) {
      const key = [d.server, d.granularity, d.bucket, d.region];
      const f = d.failedByLayer;
      const counts = [d.total, d.failed, f.transport, f.http, f.initialize, f.tools_list];
      const old = get.get(...key);
      if (!old) {
        add.run(...key, ...counts, JSON.stringify(d.latency), JSON.stringify(d.layerLatency));
        continue;
      }
      const layers = JSON.parse(old.layer_latency) as Layers;
      for (const l of LAYERS) layers[l] = merge(layers[l] ?? {}, d.layerLatency[l]);
      update.run(
        ...counts,
        JSON.stringify(merge(JSON.parse(old.latency) as Histogram, d.latency)),
        JSON.stringify(layers),
        ...key,
      );
    }
  })();
}

/** Creates the v1 tables in the client's schema (search_path). */
export async function createV1Postgres(c: pg.Pool | pg.Client): Promise<void> {
  await c.query(PG_MIGRATIONS[0]!.sql);
  await c.query(SCHEMA_MIGRATIONS);
  await c.query("INSERT INTO schema_migrations VALUES (1, 'initial', 0)");
}

/** v1 writeResults on PostgreSQL (single writer: no row locks needed). */
export async function writeV1Postgres(c: pg.Pool | pg.Client, rows: readonly StoredResult[]): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query(
      `INSERT INTO results (server, region, at, ok, layer, code, duration_ms, result)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[], $5::text[], $6::text[], $7::float8[], $8::text[])`,
      [
        rows.map((r) => r.server),
        rows.map((r) => r.region),
        rows.map((r) => r.at),
        rows.map((r) => r.ok),
        rows.map((r) => r.result.failure?.layer ?? null),
        rows.map((r) => r.result.failure?.code ?? null),
        rows.map((r) => r.result.durationMs),
        rows.map((r) => JSON.stringify(r.result)),
      ],
    );
    const KEY = 'server = $1 AND granularity = $2 AND bucket = $3 AND region = $4';
    for (const d of aggregateResults(rows)) {
      const key = [d.server, d.granularity, d.bucket, d.region];
      const f = d.failedByLayer;
      const counts = [d.total, d.failed, f.transport, f.http, f.initialize, f.tools_list];
      const old = (
        await c.query<{ latency: string; layer_latency: string }>(
          `SELECT latency, layer_latency FROM rollups WHERE ${KEY}`,
          key,
        )
      ).rows[0];
      if (!old) {
        await c.query(
          `INSERT INTO rollups (server, granularity, bucket, region, total, failed, failed_transport, failed_http,
            failed_initialize, failed_tools_list, latency, layer_latency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [...key, ...counts, JSON.stringify(d.latency), JSON.stringify(d.layerLatency)],
        );
        continue;
      }
      const layers = JSON.parse(old.layer_latency) as Layers;
      for (const l of LAYERS) layers[l] = merge(layers[l] ?? {}, d.layerLatency[l]);
      await c.query(
        `UPDATE rollups SET total = total + $5, failed = failed + $6, failed_transport = failed_transport + $7,
          failed_http = failed_http + $8, failed_initialize = failed_initialize + $9, failed_tools_list = failed_tools_list + $10,
          latency = $11, layer_latency = $12 WHERE ${KEY}`,
        [
          ...key,
          ...counts,
          JSON.stringify(merge(JSON.parse(old.latency) as Histogram, d.latency)),
          JSON.stringify(layers),
        ],
      );
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
}
