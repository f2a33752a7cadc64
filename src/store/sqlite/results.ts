/** Raw probe results: insert (with their rollups, one transaction), keyset-paged listing, pruning. */
import type { ResultQuery, StoredResult } from '../store.js';
import type { ProbeResult } from '../../probe/types.js';
import { aggregateResults } from '../rollup.js';
import { fromJson, toJson, type Connection } from './connection.js';
import { upsertRollup } from './rollups.js';

const INSERT = `INSERT INTO results (server, region, at, ok, layer, code, duration_ms, result)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

export const DEFAULT_RESULT_LIMIT = 100;

export function writeResults(conn: Connection, rows: readonly StoredResult[]): void {
  if (rows.length === 0) return;
  const deltas = aggregateResults(rows);
  const insert = conn.stmt(INSERT);
  conn.write(() => {
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
        toJson(r.result),
      );
    }
    for (const d of deltas) upsertRollup(conn, d);
  });
}

interface ResultRow {
  id: number;
  server: string;
  region: string;
  at: number;
  ok: number;
  result: string;
}

export function listResults(conn: Connection, q: ResultQuery): StoredResult[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    where.push(clause);
    params.push(value);
  };
  if (q.server !== undefined) add('server = ?', q.server);
  if (q.region !== undefined) add('region = ?', q.region);
  if (q.since !== undefined) add('at >= ?', q.since);
  if (q.until !== undefined) add('at < ?', q.until);
  if (q.before !== undefined) add('id < ?', q.before);
  if (q.onlyFailed) where.push('ok = 0');
  const sql =
    'SELECT id, server, region, at, ok, result FROM results' +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY id DESC LIMIT ?';
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
      result: fromJson<ProbeResult>(r.result),
    }));
}

/** Deletes up to `chunk` results with at < before; returns how many. */
export function pruneResultsChunk(conn: Connection, before: number, chunk: number): number {
  return conn
    .stmt('DELETE FROM results WHERE id IN (SELECT id FROM results WHERE at < ? LIMIT ?)')
    .run(before, chunk).changes;
}
