/**
 * Versioned PostgreSQL schema, the same tables as SQLite's. Each migration runs once, recorded in
 * `schema_migrations` of the connection's schema (its search_path); an advisory lock makes two
 * processes migrating the same schema at once safe. Text columns use COLLATE "C" so that ordering and
 * prefix matches are bytewise, as in SQLite. Add new migrations at the end; never edit a shipped one.
 */
import type pg from 'pg';
import { transaction } from './connection.js';
import { COMPACT_RESULTS_SQL, convertToCompact } from './migrate-compact.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction (data conversions). */
  run?: (c: pg.PoolClient) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE results (
        id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        server      TEXT    COLLATE "C" NOT NULL,
        region      TEXT    COLLATE "C" NOT NULL,
        at          BIGINT  NOT NULL,
        ok          BOOLEAN NOT NULL,
        layer       TEXT,
        code        TEXT,
        duration_ms DOUBLE PRECISION NOT NULL,
        result      TEXT    NOT NULL
      );
      CREATE INDEX results_server_id ON results (server, id);
      CREATE INDEX results_failed ON results (server, id) WHERE NOT ok;
      CREATE INDEX results_at ON results (at);

      CREATE TABLE rollups (
        server            TEXT    COLLATE "C" NOT NULL,
        granularity       TEXT    COLLATE "C" NOT NULL,
        bucket            BIGINT  NOT NULL,
        region            TEXT    COLLATE "C" NOT NULL,
        total             BIGINT  NOT NULL,
        failed            BIGINT  NOT NULL,
        failed_transport  BIGINT  NOT NULL,
        failed_http       BIGINT  NOT NULL,
        failed_initialize BIGINT  NOT NULL,
        failed_tools_list BIGINT  NOT NULL,
        latency           TEXT    NOT NULL,
        layer_latency     TEXT    NOT NULL,
        PRIMARY KEY (server, granularity, bucket, region)
      );
      CREATE INDEX rollups_age ON rollups (granularity, bucket);

      CREATE TABLE tool_surfaces (
        id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        server         TEXT   COLLATE "C" NOT NULL,
        fingerprint    TEXT   NOT NULL,
        server_version TEXT,
        first_seen_at  BIGINT NOT NULL,
        tools          TEXT   NOT NULL
      );
      CREATE INDEX tool_surfaces_server ON tool_surfaces (server, id);

      CREATE TABLE incidents (
        id          TEXT   COLLATE "C" PRIMARY KEY,
        server      TEXT   COLLATE "C" NOT NULL,
        severity    TEXT   NOT NULL,
        status      TEXT   NOT NULL,
        opened_at   BIGINT NOT NULL,
        resolved_at BIGINT,
        data        TEXT   NOT NULL
      );
      CREATE INDEX incidents_server ON incidents (server, opened_at);
      CREATE INDEX incidents_opened ON incidents (opened_at);

      CREATE TABLE warnings (
        id         TEXT   COLLATE "C" PRIMARY KEY,
        server     TEXT   COLLATE "C" NOT NULL,
        rule       TEXT   NOT NULL,
        opened_at  BIGINT NOT NULL,
        cleared_at BIGINT,
        data       TEXT   NOT NULL
      );
      CREATE INDEX warnings_server ON warnings (server, opened_at);
      CREATE INDEX warnings_opened ON warnings (opened_at);

      CREATE TABLE outbox (
        id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key         TEXT    COLLATE "C" NOT NULL UNIQUE,
        channel     TEXT    NOT NULL,
        incident_id TEXT,
        payload     TEXT    NOT NULL,
        created_at  BIGINT  NOT NULL,
        not_before  BIGINT  NOT NULL,
        attempts    INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        last_error  TEXT
      );
      CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status = 'pending';

      CREATE TABLE engine_state (
        server TEXT   COLLATE "C" PRIMARY KEY,
        state  TEXT   NOT NULL,
        at     BIGINT NOT NULL
      );

      CREATE TABLE meta (
        key        TEXT   COLLATE "C" PRIMARY KEY,
        value      TEXT   NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'instances, leases and outbox claims',
    sql: `
      CREATE TABLE instances (
        id           TEXT    COLLATE "C" PRIMARY KEY,
        host         TEXT    NOT NULL,
        pid          INTEGER NOT NULL,
        url          TEXT,
        started_at   BIGINT  NOT NULL,
        heartbeat_at BIGINT  NOT NULL,
        expires_at   BIGINT  NOT NULL
      );

      CREATE TABLE leases (
        server      TEXT   COLLATE "C" PRIMARY KEY,
        holder      TEXT   COLLATE "C",
        expires_at  BIGINT NOT NULL DEFAULT 0,
        acquired_at BIGINT
      );
      CREATE INDEX leases_holder ON leases (holder);

      ALTER TABLE outbox ADD COLUMN claimed_by TEXT COLLATE "C", ADD COLUMN claim_until BIGINT;
    `,
  },
  { version: 3, name: 'compact results', sql: COMPACT_RESULTS_SQL, run: convertToCompact },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function appliedVersions(c: pg.PoolClient | pg.Pool): Promise<Set<number> | null> {
  const t = await c.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!t.rows[0]?.t) return null;
  const r = await c.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(r.rows.map((x) => Number(x.version)));
}

function check(done: Set<number>): void {
  const newest = Math.max(0, ...done);
  if (newest > SCHEMA_VERSION)
    throw new Error(
      `database schema v${newest} is newer than this mcpwatch understands (v${SCHEMA_VERSION})`,
    );
}

/** Throws when the schema was written by a newer mcpwatch (for read-only opens). */
export async function checkSchema(pool: pg.Pool): Promise<void> {
  const done = await appliedVersions(pool);
  if (done) check(done);
}

/** Applies the missing migrations; returns the versions it applied. An up-to-date schema is only read. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const before = await appliedVersions(pool);
  if (before) check(before);
  if (before && MIGRATIONS.every((m) => before.has(m.version))) return [];
  return transaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('mcpwatch.migrate:' || current_schema()))");
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at BIGINT  NOT NULL
    )`);
    const done = (await appliedVersions(c)) ?? new Set<number>();
    check(done);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      await m.run?.(c);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
