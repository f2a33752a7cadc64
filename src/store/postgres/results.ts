/**
 * Raw probe results on PostgreSQL, compact (see ../compact.ts): names by id, the repeating part of
 * each result a deduplicated template, a few bytes of values per probe. Insert (in the caller's
 * transaction), keyset-paged listing, pruning of results and of templates nothing can use any more.
 */
import type { ProbeResult } from '../../probe/types.js';
import {
  compactResult,
  expandResult,
  GRANULARITY_CODE,
  keepTemplateUntil,
  type CompactResult,
} from '../compact.js';
import type { Granularity, ResultQuery, StoredResult } from '../store.js';
import type { Queryable } from './connection.js';

export const DEFAULT_RESULT_LIMIT = 100;
const MAX_CACHED = 10_000;

/** SQL for "the id of the name in parameter p" (NULL when unknown, which matches no row). */
export const nameId = (p: string): string => `(SELECT id FROM names WHERE name = ${p})`;

/**
 * Per-store caches of name and template ids. Names are never deleted; a template is deleted only
 * once its last_at has passed retention, so a cached { id, lastAt } is used only for results at or
 * before lastAt. Cleared when a transaction that may have filled them rolls back, and by prune.
 */
export class Ids {
  readonly names = new Map<string, number>();
  /** Rollup series by `granularity \0 server \0 region`; never deleted either. */
  readonly series = new Map<string, number>();
  readonly templates = new Map<string, { id: number; lastAt: number }>();
  clear(): void {
    this.names.clear();
    this.series.clear();
    this.templates.clear();
  }
}

const seriesKey = (s: { server: string; region: string; granularity: Granularity }): string =>
  `${s.granularity}\u0000${s.server}\u0000${s.region}`;

/** The rollup series id of each of `wanted` (one server, region and granularity), created when new. */
export async function seriesIds(
  c: Queryable,
  ids: Ids,
  wanted: readonly { server: string; region: string; granularity: Granularity }[],
): Promise<number[]> {
  const missing = new Map<string, { server: string; region: string; granularity: Granularity }>();
  for (const w of wanted) if (!ids.series.has(seriesKey(w))) missing.set(seriesKey(w), w);
  if (missing.size > 0) {
    const list = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    await nameIds(
      c,
      ids,
      list.flatMap((x) => [x.server, x.region]),
    );
    const args = [
      list.map((x) => ids.names.get(x.server)!),
      list.map((x) => GRANULARITY_CODE[x.granularity]),
      list.map((x) => ids.names.get(x.region)!),
    ];
    await c.query(
      `INSERT INTO rollup_series (server, granularity, region)
        SELECT * FROM unnest($1::integer[], $2::smallint[], $3::integer[]) ON CONFLICT DO NOTHING`,
      args,
    );
    const r = await c.query<{ id: number; server: number; granularity: number; region: number }>(
      `SELECT s.id, s.server, s.granularity, s.region FROM rollup_series s
        JOIN unnest($1::integer[], $2::smallint[], $3::integer[]) AS w (server, granularity, region)
          ON s.server = w.server AND s.granularity = w.granularity AND s.region = w.region`,
      args,
    );
    const byKey = new Map(r.rows.map((x) => [`${x.server}/${x.granularity}/${x.region}`, x.id]));
    for (const x of list)
      ids.series.set(
        seriesKey(x),
        byKey.get(
          `${ids.names.get(x.server)}/${GRANULARITY_CODE[x.granularity]}/${ids.names.get(x.region)}`,
        )!,
      );
  }
  return wanted.map((w) => ids.series.get(seriesKey(w))!);
}

/** Fills `ids.names` for every name in `wanted`, creating the missing ones. */
export async function nameIds(c: Queryable, ids: Ids, wanted: Iterable<string>): Promise<void> {
  const missing = [...new Set(wanted)].filter((n) => !ids.names.has(n)).sort();
  if (missing.length === 0) return;
  await c.query('INSERT INTO names (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING', [
    missing,
  ]);
  const r = await c.query<{ id: number; name: string }>(
    'SELECT id, name FROM names WHERE name = ANY($1::text[])',
    [missing],
  );
  for (const x of r.rows) ids.names.set(x.name, x.id);
}

async function templateIds(
  c: Queryable,
  ids: Ids,
  compact: readonly { c: CompactResult; at: number }[],
): Promise<number[]> {
  const need = new Map<string, { c: CompactResult; until: number }>();
  for (const { c: x, at } of compact) {
    const key = x.hash.toString('base64');
    const known = ids.templates.get(key);
    if (known && known.lastAt >= at) continue;
    const until = keepTemplateUntil(at);
    const prev = need.get(key);
    if (!prev || prev.until < until) need.set(key, { c: x, until });
  }
  if (need.size > 0) {
    // One order for every writer, so two writers touching the same templates never deadlock.
    const list = [...need.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const r = await c.query<{ id: number; hash: Buffer; last_at: number }>(
      `INSERT INTO result_templates (hash, body, last_at)
        SELECT * FROM unnest($1::bytea[], $2::text[], $3::bigint[])
        ON CONFLICT (hash) DO UPDATE SET last_at = GREATEST(result_templates.last_at, excluded.last_at)
        RETURNING id, hash, last_at`,
      [list.map((x) => x.c.hash), list.map((x) => x.c.template), list.map((x) => x.until)],
    );
    if (ids.templates.size + r.rows.length > MAX_CACHED) ids.templates.clear();
    for (const x of r.rows) ids.templates.set(x.hash.toString('base64'), { id: x.id, lastAt: x.last_at });
  }
  return compact.map(({ c: x }) => ids.templates.get(x.hash.toString('base64'))!.id);
}

/**
 * Inserts the rows in the caller's transaction (rollups are the caller's). Rows with an id keep it
 * (the migration converting old rows).
 */
export async function insertResults(c: Queryable, ids: Ids, rows: readonly StoredResult[]): Promise<void> {
  if (rows.length === 0) return;
  const compact = rows.map((r) => ({ c: compactResult(r.result, r.at), at: r.at }));
  await nameIds(
    c,
    ids,
    rows.flatMap((r) => [r.server, r.region]),
  );
  const templates = await templateIds(c, ids, compact);
  const withIds = rows[0]!.id !== undefined;
  await c.query(
    `INSERT INTO results (${withIds ? 'id, ' : ''}at, server, region, template, ok, t)
      ${withIds ? 'OVERRIDING SYSTEM VALUE' : ''}
      SELECT * FROM unnest(${withIds ? '$7::bigint[], ' : ''}$1::bigint[], $2::integer[], $3::integer[],
        $4::integer[], $5::boolean[], $6::bytea[])`,
    [
      rows.map((r) => r.at),
      rows.map((r) => ids.names.get(r.server)!),
      rows.map((r) => ids.names.get(r.region)!),
      templates,
      rows.map((r) => r.ok),
      compact.map((x) => x.c.values),
      ...(withIds ? [rows.map((r) => r.id!)] : []),
    ],
  );
}

/** WHERE clause builder with numbered placeholders. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(clause: (p: string) => string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(clause(`$${this.params.length}`));
  }
  raw(clause: string): void {
    this.clauses.push(clause);
  }
  next(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  get sql(): string {
    return this.clauses.length ? ` WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

export async function listResults(c: Queryable, q: ResultQuery): Promise<StoredResult[]> {
  const w = new Where();
  if (q.server !== undefined) w.add((p) => `r.server = ${nameId(p)}`, q.server);
  if (q.region !== undefined) w.add((p) => `r.region = ${nameId(p)}`, q.region);
  if (q.since !== undefined) w.add((p) => `r.at >= ${p}`, q.since);
  if (q.until !== undefined) w.add((p) => `r.at < ${p}`, q.until);
  if (q.before !== undefined) w.add((p) => `r.id < ${p}`, q.before);
  if (q.onlyFailed) w.raw('NOT r.ok');
  const limit = w.next(q.limit ?? DEFAULT_RESULT_LIMIT);
  const r = await c.query<{
    id: number;
    server: string;
    region: string;
    at: number;
    ok: boolean;
    t: Buffer;
    body: string;
  }>(
    `SELECT r.id, s.name AS server, g.name AS region, r.at, r.ok, r.t, tp.body FROM results r
      JOIN names s ON s.id = r.server JOIN names g ON g.id = r.region
      JOIN result_templates tp ON tp.id = r.template${w.sql} ORDER BY r.id DESC LIMIT ${limit}`,
    w.params,
  );
  return r.rows.map((x) => ({
    id: x.id,
    server: x.server,
    region: x.region,
    at: x.at,
    ok: x.ok,
    result: expandResult(x.body, x.t, x.at) as ProbeResult,
  }));
}

export const PRUNE_RESULTS =
  'DELETE FROM results WHERE id IN (SELECT id FROM results WHERE at < $1 LIMIT $2)';
export const PRUNE_TEMPLATES =
  'DELETE FROM result_templates WHERE id IN (SELECT id FROM result_templates WHERE last_at < $1 LIMIT $2)';
