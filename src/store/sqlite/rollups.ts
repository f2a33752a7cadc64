/**
 * Rollup rows, keyed by (server id, granularity code, bucket in granularity units, region id) with
 * counts and histograms in one blob (../compact.ts): merge-upsert of a delta, range reads, daily
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
import { NAME_ID, nameId } from './names.js';

const KEY = 'server = ? AND granularity = ? AND bucket = ? AND region = ?';

/** The first bucket index at or after `since` floored, and the first one whose start is >= `until`. */
export function bucketRange(g: Granularity, since: number, until: number): [number, number] {
  const size = GRANULARITY_MS[g];
  return [Math.floor(since / size), Math.ceil(until / size)];
}

/** Adds a delta into its bucket's row (merged here, in the caller's transaction). */
export function upsertRollup(conn: Connection, d: Rollup): void {
  const key = [
    nameId(conn, d.server),
    GRANULARITY_CODE[d.granularity],
    d.bucket / GRANULARITY_MS[d.granularity],
    nameId(conn, d.region),
  ];
  const old = conn.stmt<{ data: Buffer }>(`SELECT data FROM rollups WHERE ${KEY}`).get(...key);
  if (!old) {
    conn
      .stmt('INSERT INTO rollups (server, granularity, bucket, region, data) VALUES (?, ?, ?, ?, ?)')
      .run(...key, encodeRollup(d));
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
  const params: unknown[] = [server, GRANULARITY_CODE[g], from, to];
  let sql = `SELECT r.bucket, n.name AS region, r.data FROM rollups r JOIN names n ON n.id = r.region
    WHERE r.server = ${NAME_ID} AND r.granularity = ? AND r.bucket >= ? AND r.bucket < ?`;
  if (region !== undefined) {
    sql += ` AND r.region = ${NAME_ID}`;
    params.push(region);
  }
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
 * server by server (the key leads with the server), at most `chunk` buckets of one server at a time.
 */
export function pruneRollupsChunk(conn: Connection, g: Granularity, before: number, chunk: number): number {
  const last = before / GRANULARITY_MS[g] - 1;
  const code = GRANULARITY_CODE[g];
  const ids = conn.stmt<{ id: number }>('SELECT id FROM names ORDER BY id').all();
  let deleted = 0;
  for (const { id } of ids) {
    deleted += conn
      .stmt(
        `DELETE FROM rollups WHERE server = @id AND granularity = @code AND bucket <= @last AND bucket <=
          (SELECT max(bucket) FROM (SELECT bucket FROM rollups WHERE server = @id AND granularity = @code
            ORDER BY bucket LIMIT @limit))`,
      )
      .run({ id, code, last: Math.floor(last), limit: chunk - deleted }).changes;
    if (deleted >= chunk) break;
  }
  return deleted;
}
