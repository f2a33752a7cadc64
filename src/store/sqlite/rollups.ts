/**
 * Rollup rows, keyed by (series id, bucket in granularity units), a series being one server, region
 * and granularity (names.ts), with counts and histograms in one blob (../compact.ts): merge-upsert of a delta, range reads, daily
 * bars, latency quantiles, pruning.
 */
import type { LayerName } from '../../probe/types.js';
import {
  ALL_REGIONS,
  type DailyBar,
  type Granularity,
  type LatencyQuantiles,
  type Rollup,
} from '../store.js';
import { decodeRollup, encodeRollup, GRANULARITY_CODE } from '../compact.js';
import { GRANULARITY_MS, mergeRegions, mergeRollup } from '../rollup.js';
import {
  bucketRange,
  byBucketThenRegion,
  dailyBars,
  lastDays,
  lastPrunedBucket,
  latencyQuantilesOf,
  toRollup,
  type RollupRow,
} from '../rollup-rows.js';
import type { Connection } from './connection.js';
import { SERIES_OF, seriesId } from './names.js';

const KEY = 'series = ? AND bucket = ?';

/** Adds a delta into its bucket's row (merged here, in the caller's transaction). */
export function upsertRollup(conn: Connection, d: Rollup): void {
  const key = [seriesId(conn, d.server, d.region, d.granularity), d.bucket / GRANULARITY_MS[d.granularity]];
  const old = conn.stmt<{ data: Buffer }>(`SELECT data FROM rollups WHERE ${KEY}`).get(...key);
  if (!old) {
    conn.stmt('INSERT INTO rollups (series, bucket, data) VALUES (?, ?, ?)').run(...key, encodeRollup(d));
    return;
  }
  const merged = { ...d, ...decodeRollup(old.data) };
  mergeRollup(merged, d);
  conn.stmt(`UPDATE rollups SET data = ? WHERE ${KEY}`).run(encodeRollup(merged), ...key);
}

function rows(
  conn: Connection,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): RollupRow[] {
  const [from, to] = bucketRange(g, since, until);
  const params: unknown[] = [
    server,
    GRANULARITY_CODE[g],
    ...(region === undefined ? [] : [region]),
    from,
    to,
  ];
  const sql = `SELECT r.bucket, n.name AS region, r.data FROM rollups r
    JOIN rollup_series s ON s.id = r.series JOIN names n ON n.id = s.region
    WHERE r.series IN ${SERIES_OF(region !== undefined)} AND r.bucket >= ? AND r.bucket < ?`;
  return conn
    .stmt<RollupRow>(sql)
    .all(...params)
    .sort(byBucketThenRegion);
}

/** Rows of the buckets overlapping [since, until), ordered by bucket then region. */
export function rollupsByRegion(
  conn: Connection,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Rollup[] {
  return rows(conn, server, g, since, until, region).map((r) => toRollup(server, g, r));
}

export function rollups(
  conn: Connection,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Rollup[] {
  const found = rollupsByRegion(conn, server, g, since, until, region);
  return region === undefined ? mergeRegions(found, ALL_REGIONS) : found;
}

export function dailyAvailability(
  conn: Connection,
  server: string,
  days: number,
  now: number,
  region?: string,
): DailyBar[] {
  const [since, until] = lastDays(days, now);
  return dailyBars(rows(conn, server, 'day', since, until, region), since, days);
}

export function latencyQuantiles(
  conn: Connection,
  server: string,
  since: number,
  until: number,
  qs: readonly number[],
  opts: { layer?: LayerName; region?: string } = {},
): LatencyQuantiles {
  return latencyQuantilesOf(rows(conn, server, 'hour', since, until, opts.region), qs, opts.layer);
}

/**
 * Deletes one chunk of rollups of granularity `g` whose whole bucket ends at or before `before`:
 * series by series (the key leads with the series), at most `chunk` rows of one series at a time.
 */
export function pruneRollupsChunk(conn: Connection, g: Granularity, before: number, chunk: number): number {
  const last = lastPrunedBucket(g, before);
  const series = conn
    .stmt<{ id: number }>('SELECT id FROM rollup_series WHERE granularity = ? ORDER BY id')
    .all(GRANULARITY_CODE[g]);
  let deleted = 0;
  for (const { id } of series) {
    deleted += conn
      .stmt(
        `DELETE FROM rollups WHERE series = @id AND bucket <= @last AND bucket <=
          (SELECT max(bucket) FROM (SELECT bucket FROM rollups WHERE series = @id ORDER BY bucket LIMIT @limit))`,
      )
      .run({ id, last, limit: chunk - deleted }).changes;
    if (deleted >= chunk) break;
  }
  return deleted;
}
