/**
 * Stored rollup rows as both backends read them: a bucket index (in granularity units), the region's
 * name and the compact blob (./compact.ts). Which bucket indexes a time range or a prune covers, and
 * the reads built from the rows: rollups, daily bars, latency quantiles.
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import { countOf, merge, quantile, type Histogram } from '../util/histogram.js';
import { decodeRollup } from './compact.js';
import { bucketStart, GRANULARITY_MS, layerCounts } from './rollup.js';
import type { DailyBar, Granularity, LatencyQuantiles, Rollup } from './store.js';

export interface RollupRow {
  bucket: number;
  region: string;
  data: Buffer;
}

/** The first bucket index at or after `since` floored, and the first one whose start is >= `until`. */
export function bucketRange(g: Granularity, since: number, until: number): [number, number] {
  const size = GRANULARITY_MS[g];
  return [Math.floor(since / size), Math.ceil(until / size)];
}

/** The last bucket index whose whole bucket ends at or before `before`: what a prune may delete. */
export function lastPrunedBucket(g: Granularity, before: number): number {
  return Math.floor(before / GRANULARITY_MS[g]) - 1;
}

/** Orders rows by bucket, then region. */
export function byBucketThenRegion(a: RollupRow, b: RollupRow): number {
  return a.bucket - b.bucket || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0);
}

export function toRollup(server: string, g: Granularity, r: RollupRow): Rollup {
  return {
    server,
    region: r.region,
    granularity: g,
    bucket: r.bucket * GRANULARITY_MS[g],
    ...decodeRollup(r.data),
  };
}

/** The span of the last `days` UTC days up to and including the day of `now`: [since, until). */
export function lastDays(days: number, now: number): [number, number] {
  const today = bucketStart(now, 'day');
  return [today - (days - 1) * GRANULARITY_MS.day, today + GRANULARITY_MS.day];
}

/** One bar a day for `days` days from `first` (ms), the rows' regions summed; a day without rows is empty. */
export function dailyBars(rows: readonly RollupRow[], first: number, days: number): DailyBar[] {
  const DAY = GRANULARITY_MS.day;
  const found = new Map<number, DailyBar>();
  for (const r of rows) {
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

/** The quantiles `qs` of the rows' latency histograms merged: of one layer, or of whole probes. */
export function latencyQuantilesOf(
  rows: readonly RollupRow[],
  qs: readonly number[],
  layer?: LayerName,
): LatencyQuantiles {
  const total: Histogram = {};
  for (const r of rows) {
    const d = decodeRollup(r.data);
    merge(total, layer === undefined ? d.latency : d.layerLatency[layer]);
  }
  return { samples: countOf(total), values: qs.map((q) => quantile(total, q)) };
}
