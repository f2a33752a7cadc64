/**
 * Rollup rows, keyed by (series id, bucket in granularity units), a series being one server, region
 * and granularity (names.ts), with counts and histograms in one blob (../compact.ts): merge-upsert of a delta, range reads, daily
 * bars, latency quantiles, pruning.
 */
import { LAYERS, type LayerName } from '../../probe/types.js';
import { countOf, merge, quantile, type Histogram } from '../../util/histogram.js';
import {
  ALL_REGIONS,
  type DailyBar,
  type Granularity,
  type LatencyQuantiles,
  type Rollup,
} from '../store.js';
import { decodeRollup, encodeRollup, GRANULARITY_CODE } from '../compact.js';
import { bucketStart, GRANULARITY_MS, layerCounts, mergeRegions, mergeRollup } from '../rollup.js';
import type { Connection } from './connection.js';
import { SERIES_OF, seriesId } from './names.js';

const KEY = 'series = ? AND bucket = ?';

/** The first bucket index at or after `since` floored, and the first one whose start is >= `until`. */
export function bucketRange(g: Granularity, since: number, until: number): [number, number] {
  const size = GRANULARITY_MS[g];
  return [Math.floor(since / size), Math.ceil(until / size)];
}

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

interface RollupRow {
  bucket: number;
  region: string;
  data: Buffer;
}

function toRollup(server: string, g: Granularity, r: RollupRow): Rollup {
  return {
    server,
    region: r.region,
    granularity: g,
    bucket: r.bucket * GRANULARITY_MS[g],
    ...decodeRollup(r.data),
  };
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
    .sort((a, b) => a.bucket - b.bucket || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
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
  const DAY = GRANULARITY_MS.day;
  const today = bucketStart(now, 'day');
  const first = today - (days - 1) * DAY;
  const found = new Map<number, DailyBar>();
  for (const r of rows(conn, server, 'day', first, today + DAY, region)) {
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

export function latencyQuantiles(
  conn: Connection,
  server: string,
  since: number,
  until: number,
  qs: readonly number[],
  opts: { layer?: LayerName; region?: string } = {},
): LatencyQuantiles {
  const total: Histogram = {};
  for (const r of rows(conn, server, 'hour', since, until, opts.region)) {
    const d = decodeRollup(r.data);
    merge(total, opts.layer === undefined ? d.latency : d.layerLatency[opts.layer]);
  }
  return { samples: countOf(total), values: qs.map((q) => quantile(total, q)) };
}

/**
 * Deletes one chunk of rollups of granularity `g` whose whole bucket ends at or before `before`:
 * series by series (the key leads with the series), at most `chunk` rows of one series at a time.
 */
export function pruneRollupsChunk(conn: Connection, g: Granularity, before: number, chunk: number): number {
  const last = Math.floor(before / GRANULARITY_MS[g]) - 1;
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
