/**
 * Schema v2 on PostgreSQL: compact results and rollups (as SQLite's v2, see ../compact.ts). The old
 * rows are converted in the migration's transaction, ids kept and the id sequence carried on, so an
 * old schema reads exactly as before. Column order keeps rows free of alignment padding.
 */
import type pg from 'pg';
import type { ProbeResult } from '../../probe/types.js';
import { GRANULARITY_MS } from '../rollup.js';
import { encodeV1Rollup, type V1Rollup } from '../v1-rollup.js';
import { Ids, insertResults, seriesIds } from './results.js';

export const COMPACT_RESULTS_SQL = `
  ALTER TABLE results RENAME TO results_v1;
  ALTER INDEX results_pkey RENAME TO results_v1_pkey;
  DROP INDEX results_server_id;
  DROP INDEX results_failed;
  DROP INDEX results_at;
  ALTER TABLE rollups RENAME TO rollups_v1;
  ALTER INDEX rollups_pkey RENAME TO rollups_v1_pkey;
  DROP INDEX rollups_age;

  CREATE TABLE names (
    id   INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT    COLLATE "C" NOT NULL UNIQUE
  );

  CREATE TABLE result_templates (
    id      INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    last_at BIGINT  NOT NULL,
    hash    BYTEA   NOT NULL UNIQUE,
    body    TEXT    NOT NULL
  );
  CREATE INDEX result_templates_age ON result_templates (last_at);

  CREATE TABLE results (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT  NOT NULL,
    server   INTEGER NOT NULL,
    region   INTEGER NOT NULL,
    template INTEGER NOT NULL,
    ok       BOOLEAN NOT NULL,
    t        BYTEA   NOT NULL
  );
  CREATE INDEX results_server_id ON results (server, id);
  CREATE INDEX results_failed ON results (server, id) WHERE NOT ok;
  CREATE INDEX results_at ON results USING brin (at);

  CREATE TABLE rollup_series (
    id          INTEGER  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server      INTEGER  NOT NULL,
    region      INTEGER  NOT NULL,
    granularity SMALLINT NOT NULL,
    UNIQUE (server, granularity, region)
  );

  CREATE TABLE rollups (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    data   BYTEA   NOT NULL,
    PRIMARY KEY (series, bucket)
  );
`;

const CHUNK = 5_000;

export async function convertToCompact(c: pg.PoolClient): Promise<void> {
  const ids = new Ids();
  for (let after = 0; ;) {
    const old = await c.query<{
      id: number;
      server: string;
      region: string;
      at: number;
      ok: boolean;
      result: string;
    }>('SELECT id, server, region, at, ok, result FROM results_v1 WHERE id > $1 ORDER BY id LIMIT $2', [
      after,
      CHUNK,
    ]);
    if (old.rows.length === 0) break;
    await insertResults(
      c,
      ids,
      old.rows.map((r) => ({ ...r, result: JSON.parse(r.result) as ProbeResult })),
    );
    after = old.rows[old.rows.length - 1]!.id;
  }
  // New ids continue after the largest one the old sequence handed out.
  const oldSeq = (await c.query<{ s: string }>("SELECT pg_get_serial_sequence('results_v1', 'id') AS s"))
    .rows[0]!.s;
  const seq = (
    await c.query<{ last_value: number; is_called: boolean }>(`SELECT last_value, is_called FROM ${oldSeq}`)
  ).rows[0]!;
  await c.query("SELECT setval(pg_get_serial_sequence('results', 'id'), $1, $2)", [
    seq.last_value,
    seq.is_called,
  ]);

  let done = false;
  for (let offset = 0; !done; offset += CHUNK) {
    const old = await c.query<V1Rollup>(
      'SELECT * FROM rollups_v1 ORDER BY server, granularity, bucket, region LIMIT $1 OFFSET $2',
      [CHUNK, offset],
    );
    done = old.rows.length < CHUNK;
    if (old.rows.length === 0) continue;
    const series = await seriesIds(
      c,
      ids,
      old.rows.map((r) => ({ server: r.server, region: r.region, granularity: r.granularity })),
    );
    await c.query(
      `INSERT INTO rollups (series, bucket, data) SELECT * FROM unnest($1::integer[], $2::integer[], $3::bytea[])`,
      [series, old.rows.map((r) => r.bucket / GRANULARITY_MS[r.granularity]), old.rows.map(encodeV1Rollup)],
    );
  }
  await c.query('DROP TABLE results_v1; DROP TABLE rollups_v1');
}
