/** Rollup rows: merge-upsert of a delta, range reads, daily bars, latency quantiles, pruning. */
import { LAYERS, type LayerName } from '../../probe/types.js';
import { countOf, merge, quantile, type Histogram } from '../../util/histogram.js';
import {
  ALL_REGIONS,
  type DailyBar,
  type Granularity,
  type LatencyQuantiles,
  type Rollup,
} from '../store.js';
import { bucketStart, GRANULARITY_MS, layerCounts, mergeRegions } from '../rollup.js';
import { fromJson, toJson, type Connection } from './connection.js';

interface RollupRow {
  server: string;
  region: string;
  granularity: Granularity;
  bucket: number;
  total: number;
  failed: number;
  failed_transport: number;
  failed_http: number;
  failed_initialize: number;
  failed_tools_list: number;
  latency: string;
  layer_latency: string;
}

const KEY = 'server = ? AND granularity = ? AND bucket = ? AND region = ?';

/** Adds a delta into its bucket's row: counts add in SQL, histograms are merged here (same transaction). */
export function upsertRollup(conn: Connection, d: Rollup): void {
  const key = [d.server, d.granularity, d.bucket, d.region];
  const f = d.failedByLayer;
  const old = conn
    .stmt<Pick<RollupRow, 'latency' | 'layer_latency'>>(
      `SELECT latency, layer_latency FROM rollups WHERE ${KEY}`,
    )
    .get(...key);
  if (!old) {
    conn
      .stmt(
        `INSERT INTO rollups (server, granularity, bucket, region, total, failed, failed_transport, failed_http,
          failed_initialize, failed_tools_list, latency, layer_latency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        ...key,
        d.total,
        d.failed,
        f.transport,
        f.http,
        f.initialize,
        f.tools_list,
        toJson(d.latency),
        toJson(d.layerLatency),
      );
    return;
  }
  const latency = merge(fromJson<Histogram>(old.latency), d.latency);
  const layers = fromJson<Record<LayerName, Histogram>>(old.layer_latency);
  for (const l of LAYERS) layers[l] = merge(layers[l] ?? {}, d.layerLatency[l]);
  conn
    .stmt(
      `UPDATE rollups SET total = total + ?, failed = failed + ?, failed_transport = failed_transport + ?,
        failed_http = failed_http + ?, failed_initialize = failed_initialize + ?,
        failed_tools_list = failed_tools_list + ?, latency = ?, layer_latency = ? WHERE ${KEY}`,
    )
    .run(
      d.total,
      d.failed,
      f.transport,
      f.http,
      f.initialize,
      f.tools_list,
      toJson(latency),
      toJson(layers),
      ...key,
    );
}

function toRollup(r: RollupRow): Rollup {
  return {
    server: r.server,
    region: r.region,
    granularity: r.granularity,
    bucket: r.bucket,
    total: r.total,
    failed: r.failed,
    failedByLayer: {
      transport: r.failed_transport,
      http: r.failed_http,
      initialize: r.failed_initialize,
      tools_list: r.failed_tools_list,
    },
    latency: fromJson<Histogram>(r.latency),
    layerLatency: fromJson<Record<LayerName, Histogram>>(r.layer_latency),
  };
}

const RANGE = 'server = ? AND granularity = ? AND bucket >= ? AND bucket < ?';

/** Rows of the buckets overlapping [since, until), ordered by bucket then region. */
export function rollupsByRegion(
  conn: Connection,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Rollup[] {
  const params: unknown[] = [server, g, bucketStart(since, g), until];
  let sql = `SELECT * FROM rollups WHERE ${RANGE}`;
  if (region !== undefined) {
    sql += ' AND region = ?';
    params.push(region);
  }
  return conn
    .stmt<RollupRow>(sql + ' ORDER BY bucket, region')
    .all(...params)
    .map(toRollup);
}

export function rollups(
  conn: Connection,
  server: string,
  g: Granularity,
  since: number,
  until: number,
  region?: string,
): Rollup[] {
  const rows = rollupsByRegion(conn, server, g, since, until, region);
  return region === undefined ? mergeRegions(rows, ALL_REGIONS) : rows;
}

interface DayRow {
  bucket: number;
  total: number;
  failed: number;
  t: number;
  h: number;
  i: number;
  l: number;
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
  const params: unknown[] = [server, 'day', first, today + DAY];
  let sql = `SELECT bucket, SUM(total) AS total, SUM(failed) AS failed, SUM(failed_transport) AS t,
    SUM(failed_http) AS h, SUM(failed_initialize) AS i, SUM(failed_tools_list) AS l
    FROM rollups WHERE ${RANGE}`;
  if (region !== undefined) {
    sql += ' AND region = ?';
    params.push(region);
  }
  const found = new Map<number, DayRow>();
  for (const r of conn.stmt<DayRow>(sql + ' GROUP BY bucket').all(...params)) found.set(r.bucket, r);
  const bars: DailyBar[] = [];
  for (let i = 0; i < days; i++) {
    const day = first + i * DAY;
    const r = found.get(day);
    bars.push(
      r
        ? {
            day,
            total: r.total,
            failed: r.failed,
            failedByLayer: { transport: r.t, http: r.h, initialize: r.i, tools_list: r.l },
          }
        : { day, total: 0, failed: 0, failedByLayer: layerCounts() },
    );
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
  const column = opts.layer === undefined ? 'latency' : 'layer_latency';
  const params: unknown[] = [server, 'hour', bucketStart(since, 'hour'), until];
  let sql = `SELECT ${column} AS h FROM rollups WHERE ${RANGE}`;
  if (opts.region !== undefined) {
    sql += ' AND region = ?';
    params.push(opts.region);
  }
  const total: Histogram = {};
  for (const { h } of conn.stmt<{ h: string }>(sql).all(...params)) {
    const parsed = fromJson<Histogram | Record<LayerName, Histogram>>(h);
    merge(
      total,
      opts.layer === undefined ? (parsed as Histogram) : (parsed as Record<LayerName, Histogram>)[opts.layer],
    );
  }
  return { samples: countOf(total), values: qs.map((q) => quantile(total, q)) };
}

/** Deletes one chunk of rollups of granularity `g` whose whole bucket ends at or before `before`. */
export function pruneRollupsChunk(conn: Connection, g: Granularity, before: number, chunk: number): number {
  return conn
    .stmt(
      `DELETE FROM rollups WHERE rowid IN
        (SELECT rowid FROM rollups WHERE granularity = ? AND bucket <= ? LIMIT ?)`,
    )
    .run(g, before - GRANULARITY_MS[g], chunk).changes;
}
