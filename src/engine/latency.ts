/**
 * Latency read from log-bucket histograms (util/histogram.ts), so every percentile here, recent or
 * baseline, is quantised the same way: a bucket's upper bound, 2^(1/8) (~9%) apart.
 *
 * - The last hour: per layer and for the whole probe, from the round-by-round ring.
 * - The 7-day p95: the day ring (today and the 6 days before).
 * - The baseline the regression rule compares with: the 7 complete days before today, so that a
 *   regression does not drag its own baseline up during the day it starts.
 * - The trend: a least-squares line through log2 of the hourly p95s of the last 48 complete hours;
 *   its ratio is the fitted p95 at the end of the span over the fitted p95 at its start.
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import { countOf, quantile, type Histogram } from '../util/histogram.js';
import type { LatencyBaseline, LatencyPercentiles, LatencyTrend } from './types.js';
import { DAY_MS, HOUR_MS, TUNING } from './tuning.js';
import { hourHistogram, windowHistogram } from './recent.js';
import { histogramOver, keyOf, p95Of, setP95, type BucketRing } from './buckets.js';
import type { EngineState } from './state.js';

function percentiles(h: Histogram): LatencyPercentiles {
  return { p50: quantile(h, 0.5), p95: quantile(h, 0.95), p99: quantile(h, 0.99) };
}

/** Column 0 is the whole probe, then LAYERS in order (see recent.ts). */
export function lastHourPercentiles(
  state: EngineState,
  at: number,
): Record<LayerName | 'total', LatencyPercentiles> {
  const out = { total: percentiles(windowHistogram(state.recent, 0, at, HOUR_MS)) } as Record<
    LayerName | 'total',
    LatencyPercentiles
  >;
  LAYERS.forEach((layer, i) => {
    out[layer] = percentiles(windowHistogram(state.recent, i + 1, at, HOUR_MS));
  });
  return out;
}

export function lastHourP95(state: EngineState, at: number): { p95: number | null; samples: number } {
  const h = windowHistogram(state.recent, 0, at, HOUR_MS);
  return { p95: quantile(h, 0.95), samples: countOf(h) };
}

export function sevenDayP95(state: EngineState, at: number): number | null {
  const today = keyOf(state.days, at);
  return quantile(histogramOver(state.days, today - 6, today), 0.95);
}

export function baselineFor(days: BucketRing, at: number): LatencyBaseline {
  const dayKey = Math.floor(at / DAY_MS);
  const h = histogramOver(days, dayKey - TUNING.baselineDays, dayKey - 1);
  return { dayKey, p95: quantile(h, 0.95), samples: countOf(h) };
}

/** Stores the p95 of a completed hour in the hour ring (from the round-by-round ring). */
export function closeHour(state: EngineState, hourKey: number): void {
  const h = hourHistogram(state.recent, 0, hourKey);
  setP95(state.hours, hourKey, countOf(h) >= TUNING.trendMinPerHour ? quantile(h, 0.95) : null);
}

export function trendFor(hours: BucketRing, at: number): LatencyTrend {
  const hourKey = Math.floor(at / HOUR_MS);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = hourKey - TUNING.trendHours; k < hourKey; k++) {
    const p95 = p95Of(hours, k);
    if (p95 > 0) {
      xs.push(k - hourKey);
      ys.push(Math.log2(p95));
    }
  }
  if (xs.length < TUNING.trendMinHours) return { hourKey, ratio: null, hours: xs.length };
  const slope = leastSquaresSlope(xs, ys);
  return { hourKey, ratio: 2 ** (slope * (TUNING.trendHours - 1)), hours: xs.length };
}

function leastSquaresSlope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
