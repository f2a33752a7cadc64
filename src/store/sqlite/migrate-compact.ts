/**
 * Schema v2: compact results and rollups. Raw results become a row of small integers plus a few
 * bytes of values, the repeating part of each result a deduplicated template (../compact.ts);
 * rollups a blob keyed by (series, bucket), a series being one server, region and granularity. The old rows are converted in the same transaction, ids kept, so
 * an old file reads exactly as before.
 */
import type { ProbeResult } from '../../probe/types.js';
import { GRANULARITY_MS } from '../rollup.js';
import { encodeV1Rollup, type V1Rollup } from '../v1-rollup.js';
import { fromJson, type Connection } from './connection.js';
import { seriesId } from './names.js';
import { insertResults } from './results.js';

export const COMPACT_RESULTS_SQL = `
  DROP INDEX results_server_id;
  DROP INDEX results_failed;
  DROP INDEX results_at;
  ALTER TABLE results RENAME TO results_v1;
  DROP INDEX rollups_key;
  DROP INDEX rollups_age;
  ALTER TABLE rollups RENAME TO rollups_v1;

  CREATE TABLE names (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
  );

  CREATE TABLE result_templates (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    hash    BLOB    NOT NULL UNIQUE,
    body    TEXT    NOT NULL,
    last_at INTEGER NOT NULL
  );
  CREATE INDEX result_templates_age ON result_templates (last_at);

  CREATE TABLE results (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    server   INTEGER NOT NULL,
    region   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    ok       INTEGER NOT NULL,
    template INTEGER NOT NULL,
    t        BLOB    NOT NULL
  );
  CREATE INDEX results_server_id ON results (server, id);
  CREATE INDEX results_failed ON results (server, id) WHERE ok = 0;
  CREATE INDEX results_at ON results (at);

  CREATE TABLE rollup_series (
    id          INTEGER PRIMARY KEY,
    server      INTEGER NOT NULL,
    granularity INTEGER NOT NULL,
    region      INTEGER NOT NULL,
    UNIQUE (server, granularity, region)
  );

  CREATE TABLE rollups (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    data   BLOB    NOT NULL,
    PRIMARY KEY (series, bucket)
  ) WITHOUT ROWID;
`;

const CHUNK = 5_000;

interface OldResult {
  id: number;
  server: string;
  region: string;
  at: number;
  ok: number;
  result: string;
}

/** Moves every v1 row into the v2 tables (same ids, same content) and drops the v1 tables. */
export function convertToCompact(conn: Connection): void {
  const page = conn.db.prepare<[number, number], OldResult>(
    'SELECT id, server, region, at, ok, result FROM results_v1 WHERE id > ? ORDER BY id LIMIT ?',
  );
  for (let after = 0; ;) {
    const old = page.all(after, CHUNK);
    if (old.length === 0) break;
    insertResults(
      conn,
      old.map((r) => ({
        id: r.id,
        server: r.server,
        region: r.region,
        at: r.at,
        ok: r.ok === 1,
        result: fromJson<ProbeResult>(r.result),
      })),
    );
    after = old[old.length - 1]!.id;
  }
  // Ids continue after the largest one ever handed out, as before.
  conn.db.exec(`UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence
    WHERE name = 'results_v1'), 0)) WHERE name = 'results'`);
  conn.db.exec(`INSERT INTO sqlite_sequence (name, seq) SELECT 'results', seq FROM sqlite_sequence
    WHERE name = 'results_v1' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'results')`);

  const insert = conn.db.prepare('INSERT INTO rollups (series, bucket, data) VALUES (?, ?, ?)');
  const rollupPage = conn.db.prepare<[number, number], V1Rollup & { rowid: number }>(
    'SELECT rowid, * FROM rollups_v1 WHERE rowid > ? ORDER BY rowid LIMIT ?',
  );
  for (let after = 0; ;) {
    const old = rollupPage.all(after, CHUNK);
    if (old.length === 0) break;
    after = old[old.length - 1]!.rowid;
    for (const r of old) insertRollupV1(r);
  }
  conn.db.exec('DROP TABLE results_v1; DROP TABLE rollups_v1');

  function insertRollupV1(r: V1Rollup): void {
    insert.run(
      seriesId(conn, r.server, r.region, r.granularity),
      r.bucket / GRANULARITY_MS[r.granularity],
      encodeV1Rollup(r),
    );
  }
}
