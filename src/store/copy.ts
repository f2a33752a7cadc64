/**
 * Dump and load of a whole store, table by table and batch by batch (what `mcpwatch migrate`
 * copies), the same on SQLite and PostgreSQL. Raw results go through the Store's own reading and
 * an insert that keeps their ids (so their at-rest format is each backend's business); rollups are
 * read as Rollup objects and merged into the target's buckets; the other tables are copied column by
 * column. Instances and leases (PostgreSQL only) are what running processes hold now, not history:
 * they are not copied.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { GRANULARITY_MS } from './rollup.js';
import { decodeRollup, GRANULARITY_CODE } from './compact.js';
import { PostgresStore } from './postgres/index.js';
import { SqliteStore } from './sqlite/index.js';
import type { Granularity, Rollup, Store, StoredResult } from './store.js';
import { BufferedStore } from './buffered-store.js';

/** Every table copied, in the order they are copied (and printed). */
export const COPY_TABLES = [
  'meta',
  'tool_surfaces',
  'engine_state',
  'incidents',
  'warnings',
  'outbox',
  'rollups',
  'results',
] as const;
export type CopyTable = (typeof COPY_TABLES)[number];
export type PlainTable = Exclude<CopyTable, 'rollups' | 'results'>;

export type PlainRow = Record<string, string | number | null>;

/** Columns of the tables copied as they are; `key` orders and pages them; `identity` is PostgreSQL's. */
export const PLAIN_TABLES: Record<PlainTable, { key: string; columns: string[]; identity?: boolean }> = {
  meta: { key: 'key', columns: ['key', 'value', 'updated_at'] },
  tool_surfaces: {
    key: 'id',
    columns: ['id', 'server', 'fingerprint', 'server_version', 'first_seen_at', 'tools'],
    identity: true,
  },
  engine_state: { key: 'server', columns: ['server', 'state', 'at'] },
  incidents: {
    key: 'id',
    columns: ['id', 'server', 'severity', 'status', 'opened_at', 'resolved_at', 'data'],
  },
  warnings: { key: 'id', columns: ['id', 'server', 'rule', 'opened_at', 'cleared_at', 'data'] },
  outbox: {
    key: 'id',
    columns: [
      'id',
      'key',
      'channel',
      'incident_id',
      'payload',
      'created_at',
      'not_before',
      'attempts',
      'status',
      'last_error',
    ],
    identity: true,
  },
};

/** Where a rollup page ended: the source's own key (series id, bucket). */
export type RollupCursor = [number, number];

export interface StoreCopy {
  readonly store: Store;
  count(table: CopyTable): Promise<number>;
  /** Rows in key order after `after` (the key of the last row of the previous page). */
  readRows(table: PlainTable, after: string | number | null, limit: number): Promise<PlainRow[]>;
  writeRows(table: PlainTable, rows: readonly PlainRow[]): Promise<void>;
  readRollups(
    after: RollupCursor | null,
    limit: number,
  ): Promise<{ rows: Rollup[]; last: RollupCursor | null }>;
  writeRollups(rows: readonly Rollup[]): Promise<void>;
  writeResults(rows: readonly StoredResult[]): Promise<void>;
  /** Deletes every copied table's rows (`--force`). */
  clear(): Promise<void>;
  /** After rows were inserted with their ids: new ones continue after the largest (PostgreSQL). */
  syncIds(): Promise<void>;
}

const CODE_GRANULARITY = Object.fromEntries(
  Object.entries(GRANULARITY_CODE).map(([g, c]) => [c, g as Granularity]),
) as Record<number, Granularity>;

interface RollupRow {
  sid: number;
  b: number;
  g: number;
  server: string;
  region: string;
  data: Uint8Array;
}

// The one place that knows how rollups lie at rest (../compact.ts: a series per server, granularity
// and region; buckets in granularity units), the same on both backends.
const ROLLUPS_SQL = (where: string, limit: string) =>
  `SELECT r.series AS sid, r.bucket AS b, s.granularity AS g, sv.name AS server, n.name AS region, r.data
     FROM rollups r JOIN rollup_series s ON s.id = r.series
     JOIN names sv ON sv.id = s.server JOIN names n ON n.id = s.region
     ${where} ORDER BY r.series, r.bucket LIMIT ${limit}`;

function toRollup(r: RollupRow): Rollup {
  const granularity = CODE_GRANULARITY[Number(r.g)]!;
  return {
    server: r.server,
    region: r.region,
    granularity,
    bucket: Number(r.b) * GRANULARITY_MS[granularity],
    ...decodeRollup(r.data),
  };
}

function lastKey(rows: RollupRow[]): RollupCursor | null {
  const r = rows.at(-1);
  return r ? [Number(r.sid), Number(r.b)] : null;
}

/** The dump/load of this store; throws for a store that is neither SQLite nor PostgreSQL. */
export function storeCopy(store: Store): StoreCopy {
  const inner = store instanceof BufferedStore ? store.inner : store;
  if (inner instanceof SqliteStore) return sqliteCopy(inner);
  if (inner instanceof PostgresStore) return postgresCopy(inner);
  throw new Error(`cannot copy a ${store.kind} store of this kind`);
}

function sqliteCopy(store: SqliteStore): StoreCopy {
  const db: Database.Database = store.db;
  return {
    store,
    async count(table) {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    },
    async readRows(table, after, limit) {
      const { key, columns } = PLAIN_TABLES[table];
      const where = after === null ? '' : `WHERE ${key} > ?`;
      const sql = `SELECT ${columns.join(', ')} FROM ${table} ${where} ORDER BY ${key} LIMIT ?`;
      return db.prepare(sql).all(...(after === null ? [] : [after]), limit) as PlainRow[];
    },
    async writeRows(table, rows) {
      const { columns } = PLAIN_TABLES[table];
      const insert = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      db.transaction(() => {
        for (const r of rows) insert.run(...columns.map((c) => r[c] ?? null));
      }).immediate();
    },
    async readRollups(after, limit) {
      const where = after ? 'WHERE (r.series, r.bucket) > (?, ?)' : '';
      const rows = db.prepare(ROLLUPS_SQL(where, '?')).all(...(after ?? []), limit) as RollupRow[];
      return { rows: rows.map(toRollup), last: lastKey(rows) };
    },
    writeRollups: (rows) => store.importRollups(rows),
    writeResults: (rows) => store.importResults(rows),
    async clear() {
      db.transaction(() => {
        for (const t of COPY_TABLES) db.prepare(`DELETE FROM ${t}`).run();
      }).immediate();
    },
    async syncIds() {
      // AUTOINCREMENT's counter (sqlite_sequence) follows explicit ids by itself.
    },
  };
}

function postgresCopy(store: PostgresStore): StoreCopy {
  const pool: pg.Pool = store.pool;
  return {
    store,
    async count(table) {
      return Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    },
    async readRows(table, after, limit) {
      const { key, columns } = PLAIN_TABLES[table];
      const params = after === null ? [limit] : [after, limit];
      const where = after === null ? '' : `WHERE ${key} > $1`;
      const sql = `SELECT ${columns.join(', ')} FROM ${table} ${where} ORDER BY ${key} LIMIT $${params.length}`;
      return (await pool.query<PlainRow>(sql, params)).rows;
    },
    async writeRows(table, rows) {
      if (rows.length === 0) return;
      const { columns, identity } = PLAIN_TABLES[table];
      const params: unknown[] = [];
      const values = rows.map((r) => `(${columns.map((c) => `$${params.push(r[c] ?? null)}`).join(', ')})`);
      await pool.query(
        `INSERT INTO ${table} (${columns.join(', ')}) ${identity ? 'OVERRIDING SYSTEM VALUE' : ''}
          VALUES ${values.join(', ')}`,
        params,
      );
    },
    async readRollups(after, limit) {
      const where = after ? 'WHERE (r.series, r.bucket) > ($1, $2)' : '';
      const params = [...(after ?? []), limit];
      const rows = (await pool.query<RollupRow>(ROLLUPS_SQL(where, `$${params.length}`), params)).rows;
      return { rows: rows.map(toRollup), last: lastKey(rows) };
    },
    writeRollups: (rows) => store.importRollups(rows),
    writeResults: (rows) => store.importResults(rows),
    async clear() {
      await pool.query(`TRUNCATE ${COPY_TABLES.join(', ')}`);
    },
    async syncIds() {
      for (const t of ['results', 'tool_surfaces', 'outbox'])
        await pool.query(
          `SELECT setval(pg_get_serial_sequence('${t}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${t}`,
        );
    },
  };
}
