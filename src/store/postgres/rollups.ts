/**
 * Rollup rows on PostgreSQL, keyed by (server id, granularity code, bucket in granularity units,
 * region id), counts and histograms in one blob (../compact.ts). Deltas merge in JS under the row
 * lock (SELECT … FOR UPDATE), so concurrent writers never lose a count.
 */
import { LAYERS, type LayerName } from '../../probe/types.js';
import { countOf, merge, quantile, type Histogram } from '../../util/histogram.js';
import { decodeRollup, encodeRollup, GRANULARITY_CODE } from '../compact.js';
import { bucketStart, GRANULARITY_MS, layerCounts, mergeRegions, mergeRollup } from '../rollup.js';
import {
  ALL_REGIONS,
  type DailyBar,
  type Granularity,
  type LatencyQuantiles,
  type Rollup,
} from '../store.js';
import type { Queryable } from './connection.js';
import { nameId, type Ids } from './results.js';

const KEY = 'server = $1 AND granularity = $2 AND bucket = $3 AND region = $4';

/** Adds a delta into its bucket's row; names must already be in `ids` (insertResults did it). */
export async function upsertRollup(c: Queryable, ids: Ids, d: Rollup): Promise<void> {
  const key = [
    ids.names.get(d.server)!,
    GRANULARITY_CODE[d.granularity],
    d.bucket / GRANULARITY_MS[d.granularity],
    ids.names.get(d.region)!,
  ];
  const inserted = await c.query(
    `INSERT INTO rollups (server, granularity, bucket, region, data) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT DO NOTHING`,
    [...key, encodeRollup(d)],
  );
  if (inserted.rowCount === 1) return;
  const old = (await c.query<{ data: Buffer }>(`SELECT data FROM rollups WHERE ${KEY} FOR UPDATE`, key))
    .rows[0]!;
  const merged = { ...d, ...decodeRollup(old.data) };
  mergeRollup(merged, d);
  await c.query(`UPDATE rollups SET data = $5 WHERE ${KEY}`, [...key, encodeRollup(merged)]);
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

interface RollupRow {
  bucket: number;
  region: string;
  data: Buffer;
}

async function rows(
  c: Queryable,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Promise<RollupRow[]> {
  const size = GRANULARITY_MS[g];
  const params: unknown[] = [server, GRANULARITY_CODE[g], Math.floor(since / size), Math.ceil(until / size)];
  let sql = `SELECT r.bucket, n.name AS region, r.data FROM rollups r JOIN names n ON n.id = r.region
    WHERE r.server = ${nameId('$1')} AND r.granularity = $2 AND r.bucket >= $3 AND r.bucket < $4`;
  if (region !== undefined) {
    params.push(region);
    sql += ` AND r.region = ${nameId('$5')}`;
  }
  const r = await c.query<RollupRow>(sql, params);
  return r.rows.sort(
    (a, b) => a.bucket - b.bucket || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0),
  );
}

export async function rollupsByRegion(
  c: Queryable,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Promise<Rollup[]> {
  return (await rows(c, server, g, since, until, region)).map((r) => ({
    server,
    region: r.region,
    granularity: g,
    bucket: r.bucket * GRANULARITY_MS[g],
    ...decodeRollup(r.data),
  }));
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
  const DAY = GRANULARITY_MS.day;
  const today = bucketStart(now, 'day');
  const first = today - (days - 1) * DAY;
  const found = new Map<number, DailyBar>();
  for (const r of await rows(c, server, 'day', first, today + DAY, region)) {
    const d = decodeRollup(r.data);
    const day = r.bucket * DAY;
    let bar = found.get(day);
    if (!bar) found.set(day, (bar = { day, total: 0, failed: 0, failedByLayer: layerCounts() }));
    bar.total += d.total;
    bar.failed += d.failed;
    for (const l of LAYERS) bar.failedByLayer[l] += d.failedByLayer[l];
  }
  const bars: DailyBar[] = [];
  for (let i = 0; i < days; i++) {
    const day = first + i * DAY;
    bars.push(found.get(day) ?? { day, total: 0, failed: 0, failedByLayer: layerCounts() });
  }
  return bars;
}

export async function latencyQuantiles(
  c: Queryable,
  server: string,
  since: number,
  until: number,
  qs: readonly number[],
  opts: { layer?: LayerName; region?: string } = {},
): Promise<LatencyQuantiles> {
  const total: Histogram = {};
  for (const r of await rows(c, server, 'hour', since, until, opts.region)) {
    const d = decodeRollup(r.data);
    merge(total, opts.layer === undefined ? d.latency : d.layerLatency[opts.layer]);
  }
  return { samples: countOf(total), values: qs.map((q) => quantile(total, q)) };
}

/**
 * One chunk of the rollups of a granularity whose whole bucket ends at or before `before`
 * ($1 code, $2 last bucket index, $3 chunk): server by server through the key.
 */
export const PRUNE_ROLLUPS = `DELETE FROM rollups WHERE (server, granularity, bucket, region) IN (
  SELECT x.server, x.granularity, x.bucket, x.region FROM names n CROSS JOIN LATERAL (
    SELECT server, granularity, bucket, region FROM rollups
      WHERE server = n.id AND granularity = $1 AND bucket <= $2 LIMIT $3) x
  LIMIT $3)`;

export function lastPrunedBucket(g: Granularity, before: number): number {
  return Math.floor(before / GRANULARITY_MS[g]) - 1;
}
