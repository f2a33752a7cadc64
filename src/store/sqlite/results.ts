/**
 * Raw probe results, compact (see ../compact.ts): per probe a row of small integers (server and
 * region names by id, the template by id) and the varint values; insert (with their rollups, one
 * transaction), keyset-paged listing, pruning.
 */
import type { ResultQuery, StoredResult } from '../store.js';
import { compactResult, expandResult } from '../compact.js';
import { aggregateResults } from '../rollup.js';
import type { Connection } from './connection.js';
import { forgetNames, NAME_ID, nameId } from './names.js';
import { upsertRollup } from './rollups.js';
import { forgetTemplates, templateId } from './templates.js';

const INSERT = 'INSERT INTO results (server, region, at, ok, template, t) VALUES (?, ?, ?, ?, ?, ?)';

export const DEFAULT_RESULT_LIMIT = 100;

/** Inserts the rows (no rollups): also used by the migration that converts old rows, with their ids. */
export function insertResults(conn: Connection, rows: readonly StoredResult[]): void {
  const insert = conn.stmt(INSERT);
  const insertWithId = conn.stmt(
    'INSERT INTO results (id, server, region, at, ok, template, t) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of rows) {
    const c = compactResult(r.result, r.at);
    const values = [
      nameId(conn, r.server),
      nameId(conn, r.region),
      r.at,
      r.ok ? 1 : 0,
      templateId(conn, c, r.at),
      c.values,
    ];
    if (r.id === undefined) insert.run(...values);
    else insertWithId.run(r.id, ...values);
  }
}

/**
 * Rows folded into rollup deltas at a time: the deltas (a dozen sparse histograms per row) then die
 * young instead of living through the whole transaction and being promoted to the old generation.
 */
const ROLLUP_CHUNK = 64;

export function writeResults(conn: Connection, rows: readonly StoredResult[]): void {
  if (rows.length === 0) return;
  try {
    conn.write(() => {
      insertResults(
        conn,
        rows.map(({ id: _id, ...r }) => r),
      );
      for (let i = 0; i < rows.length; i += ROLLUP_CHUNK)
        for (const d of aggregateResults(rows.slice(i, i + ROLLUP_CHUNK))) upsertRollup(conn, d);
    });
  } catch (err) {
    forgetNames(conn);
    forgetTemplates(conn);
    throw err;
  }
}

interface ResultRow {
  id: number;
  server: string;
  region: string;
  at: number;
  ok: number;
  t: Buffer;
  body: string;
}

export function listResults(conn: Connection, q: ResultQuery): StoredResult[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    where.push(clause);
    params.push(value);
  };
  if (q.server !== undefined) add(`r.server = ${NAME_ID}`, q.server);
  if (q.region !== undefined) add(`r.region = ${NAME_ID}`, q.region);
  if (q.since !== undefined) add('r.at >= ?', q.since);
  if (q.until !== undefined) add('r.at < ?', q.until);
  if (q.before !== undefined) add('r.id < ?', q.before);
  if (q.onlyFailed) where.push('r.ok = 0');
  const sql =
    `SELECT r.id, s.name AS server, g.name AS region, r.at, r.ok, r.t, tp.body FROM results r
      JOIN names s ON s.id = r.server JOIN names g ON g.id = r.region
      JOIN result_templates tp ON tp.id = r.template` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY r.id DESC LIMIT ?';
  params.push(q.limit ?? DEFAULT_RESULT_LIMIT);
  return conn
    .stmt<ResultRow>(sql)
    .all(...params)
    .map((r) => ({
      id: r.id,
      server: r.server,
      region: r.region,
      at: r.at,
      ok: r.ok === 1,
      result: expandResult(r.body, r.t, r.at),
    }));
}

/** Deletes up to `chunk` results with at < before; returns how many. */
export function pruneResultsChunk(conn: Connection, before: number, chunk: number): number {
  return conn
    .stmt('DELETE FROM results WHERE id IN (SELECT id FROM results WHERE at < ? LIMIT ?)')
    .run(before, chunk).changes;
}
