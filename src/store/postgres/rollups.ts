/**
 * Rollup rows on PostgreSQL, keyed by (series id, bucket in granularity units), a series being one
 * server, region and granularity, counts and histograms in one blob (../compact.ts). Deltas merge in
 * JS under the row lock (SELECT … FOR UPDATE), so concurrent writers never lose a count.
 */
import type { LayerName } from '../../probe/types.js';
import { decodeRollup, encodeRollup, GRANULARITY_CODE } from '../compact.js';
import { GRANULARITY_MS, mergeRegions, mergeRollup } from '../rollup.js';
import {
  bucketRange,
  byBucketThenRegion,
  dailyBars,
  lastDays,
  latencyQuantilesOf,
  toRollup,
  type RollupRow,
} from '../rollup-rows.js';
import {
  ALL_REGIONS,
  type DailyBar,
  type Granularity,
  type LatencyQuantiles,
  type Rollup,
} from '../store.js';
import type { Queryable } from './connection.js';
import { nameId, seriesIds, type Ids } from './results.js';

/**
 * Adds the deltas into their buckets' rows in the caller's transaction, in three statements: insert
 * the new buckets, lock the existing ones (in key order, so two writers never deadlock), write them
 * back merged. Deltas must be sorted by byKey and name each bucket once (aggregateResults does).
 */
export async function upsertRollups(c: Queryable, ids: Ids, deltas: readonly Rollup[]): Promise<void> {
  if (deltas.length === 0) return;
  const series = await seriesIds(c, ids, deltas);
  const buckets = deltas.map((d) => d.bucket / GRANULARITY_MS[d.granularity]);
  const key = (s: number, b: number) => `${s}/${b}`;
  const inserted = await c.query<{ series: number; bucket: number }>(
    `INSERT INTO rollups (series, bucket, data)
      SELECT * FROM unnest($1::integer[], $2::integer[], $3::bytea[]) ON CONFLICT DO NOTHING
      RETURNING series, bucket`,
    [series, buckets, deltas.map((d) => encodeRollup(d))],
  );
  const done = new Set(inserted.rows.map((r) => key(r.series, r.bucket)));
  const rest = deltas
    .map((d, i) => ({ d, s: series[i]!, b: buckets[i]! }))
    .filter((x) => !done.has(key(x.s, x.b)));
  if (rest.length === 0) return;
  const locked = await c.query<{ series: number; bucket: number; data: Buffer }>(
    `SELECT r.series, r.bucket, r.data FROM rollups r
      JOIN unnest($1::integer[], $2::integer[]) AS w (series, bucket) ON r.series = w.series AND r.bucket = w.bucket
      ORDER BY r.series, r.bucket FOR UPDATE OF r`,
    [rest.map((x) => x.s), rest.map((x) => x.b)],
  );
  const old = new Map(locked.rows.map((r) => [key(r.series, r.bucket), r.data]));
  const data = rest.map(({ d, s, b }) => {
    const merged = { ...d, ...decodeRollup(old.get(key(s, b))!) };
    return encodeRollup(mergeRollup(merged, d));
  });
  await c.query(
    `UPDATE rollups r SET data = w.data FROM unnest($1::integer[], $2::integer[], $3::bytea[]) AS w (series, bucket, data)
      WHERE r.series = w.series AND r.bucket = w.bucket`,
    [rest.map((x) => x.s), rest.map((x) => x.b), data],
  );
}

/** Orders deltas by their key, so two writers lock rollup rows in one order and never deadlock. */
export function byKey(a: Rollup, b: Rollup): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    cmp(a.server, b.server) ||
    cmp(a.granularity, b.granularity) ||
    a.bucket - b.bucket ||
    cmp(a.region, b.region)
  );
}

async function rows(
  c: Queryable,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Promise<RollupRow[]> {
  const params: unknown[] = [server, GRANULARITY_CODE[g], ...bucketRange(g, since, until)];
  let sql = `SELECT r.bucket, n.name AS region, r.data FROM rollup_series s
    JOIN rollups r ON r.series = s.id AND r.bucket >= $3 AND r.bucket < $4 JOIN names n ON n.id = s.region
    WHERE s.server = ${nameId('$1')} AND s.granularity = $2`;
  if (region !== undefined) {
    params.push(region);
    sql += ` AND s.region = ${nameId('$5')}`;
  }
  const r = await c.query<RollupRow>(sql, params);
  return r.rows.sort(byBucketThenRegion);
}

export async function rollupsByRegion(
  c: Queryable,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Promise<Rollup[]> {
  return (await rows(c, server, g, since, until, region)).map((r) => toRollup(server, g, r));
}

export async function rollups(
  c: Queryable,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Promise<Rollup[]> {
  const found = await rollupsByRegion(c, server, g, since, until, region);
  return region === undefined ? mergeRegions(found, ALL_REGIONS) : found;
}

export async function dailyAvailability(
  c: Queryable,
  server: string,
  days: number,
  now: number,
  region?: string,
): Promise<DailyBar[]> {
  const [since, until] = lastDays(days, now);
  return dailyBars(await rows(c, server, 'day', since, until, region), since, days);
}

export async function latencyQuantiles(
  c: Queryable,
  server: string,
  since: number,
  until: number,
  qs: readonly number[],
  opts: { layer?: LayerName; region?: string } = {},
): Promise<LatencyQuantiles> {
  return latencyQuantilesOf(await rows(c, server, 'hour', since, until, opts.region), qs, opts.layer);
}

/**
 * One chunk of the rollups of a granularity whose whole bucket ends at or before `before`
 * ($1 code, $2 last bucket index, $3 chunk): series by series through the key.
 */
export const PRUNE_ROLLUPS = `DELETE FROM rollups WHERE (series, bucket) IN (
  SELECT x.series, x.bucket FROM rollup_series s CROSS JOIN LATERAL (
    SELECT series, bucket FROM rollups WHERE series = s.id AND bucket <= $2 LIMIT $3) x
  WHERE s.granularity = $1 LIMIT $3)`;
