/**
 * Versioned schema. Each migration runs once, in a transaction, recorded in `schema_migrations`;
 * `migrate()` is idempotent and safe when two processes open the same file at once.
 * Add new migrations at the end; never edit one that has shipped.
 */
import type { Connection } from './connection.js';
import { COMPACT_RESULTS_SQL, convertToCompact } from './migrate-compact.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction (data conversions). */
  run?: (conn: Connection) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE results (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        server      TEXT    NOT NULL,
        region      TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        ok          INTEGER NOT NULL,
        layer       TEXT,
        code        TEXT,
        duration_ms REAL    NOT NULL,
        result      TEXT    NOT NULL
      );
      CREATE INDEX results_server_id ON results (server, id);
      CREATE INDEX results_failed ON results (server, id) WHERE ok = 0;
      CREATE INDEX results_at ON results (at);

      CREATE TABLE rollups (
        server            TEXT    NOT NULL,
        granularity       TEXT    NOT NULL,
        bucket            INTEGER NOT NULL,
        region            TEXT    NOT NULL,
        total             INTEGER NOT NULL,
        failed            INTEGER NOT NULL,
        failed_transport  INTEGER NOT NULL,
        failed_http       INTEGER NOT NULL,
        failed_initialize INTEGER NOT NULL,
        failed_tools_list INTEGER NOT NULL,
        latency           TEXT    NOT NULL,
        layer_latency     TEXT    NOT NULL
      );
      CREATE UNIQUE INDEX rollups_key ON rollups (server, granularity, bucket, region);
      CREATE INDEX rollups_age ON rollups (granularity, bucket);

      CREATE TABLE tool_surfaces (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        server         TEXT    NOT NULL,
        fingerprint    TEXT    NOT NULL,
        server_version TEXT,
        first_seen_at  INTEGER NOT NULL,
        tools          TEXT    NOT NULL
      );
      CREATE INDEX tool_surfaces_server ON tool_surfaces (server, id);

      CREATE TABLE incidents (
        id          TEXT    PRIMARY KEY,
        server      TEXT    NOT NULL,
        severity    TEXT    NOT NULL,
        status      TEXT    NOT NULL,
        opened_at   INTEGER NOT NULL,
        resolved_at INTEGER,
        data        TEXT    NOT NULL
      );
      CREATE INDEX incidents_server ON incidents (server, opened_at);
      CREATE INDEX incidents_opened ON incidents (opened_at);

      CREATE TABLE warnings (
        id         TEXT    PRIMARY KEY,
        server     TEXT    NOT NULL,
        rule       TEXT    NOT NULL,
        opened_at  INTEGER NOT NULL,
        cleared_at INTEGER,
        data       TEXT    NOT NULL
      );
      CREATE INDEX warnings_server ON warnings (server, opened_at);
      CREATE INDEX warnings_opened ON warnings (opened_at);

      CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT    NOT NULL UNIQUE,
        channel     TEXT    NOT NULL,
        incident_id TEXT,
        payload     TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        not_before  INTEGER NOT NULL,
        attempts    INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        last_error  TEXT
      );
      CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status = 'pending';

      CREATE TABLE engine_state (
        server TEXT    PRIMARY KEY,
        state  TEXT    NOT NULL,
        at     INTEGER NOT NULL
      );

      CREATE TABLE meta (
        key        TEXT    PRIMARY KEY,
        value      TEXT    NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  { version: 2, name: 'compact results', sql: COMPACT_RESULTS_SQL, run: convertToCompact },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The migrations not yet applied; throws when the file was written by a newer schema. */
function pending(conn: Connection): Migration[] {
  const table = conn.db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return [...MIGRATIONS];
  const done = new Set(conn.db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all());
  const newest = Math.max(0, ...done);
  if (newest > SCHEMA_VERSION) {
    throw new Error(
      `database schema v${newest} is newer than this mcpwatch understands (v${SCHEMA_VERSION})`,
    );
  }
  return MIGRATIONS.filter((m) => !done.has(m.version));
}

/**
 * Applies the missing migrations; returns the versions it applied. An up-to-date file is only read,
 * so a reader process (`mcpwatch status`) never waits for the writer's lock.
 */
export function migrate(conn: Connection): number[] {
  if (pending(conn).length === 0) return [];
  return conn.write(() => {
    conn.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const applied: number[] = [];
    for (const m of pending(conn)) {
      conn.db.exec(m.sql);
      m.run?.(conn);
      conn.db
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, Date.now());
      applied.push(m.version);
    }
    return applied;
  });
}
