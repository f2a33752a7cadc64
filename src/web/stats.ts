/**
 * Error rates and latency percentiles over chosen windows, and time series for charts, read from the
 * store's rollups (never raw rows). A window of up to 6 h reads minute rollups, up to 60 d hour
 * rollups, longer ones day rollups; a bucket that overlaps the window's start counts whole.
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import { GRANULARITY_MS, emptyRollup, mergeRollup } from '../store/rollup.js';
import { ALL_REGIONS, type Granularity, type Rollup, type Store } from '../store/store.js';
import { DurationError, parseDuration } from '../util/duration.js';
import { quantile } from '../util/histogram.js';
import type { Percentiles } from '../monitor/monitor-view.js';

export interface WindowSpec {
  /** As asked, e.g. "15m" or "7d". */
  name: string;
  ms: number;
}

export const MIN_WINDOW_MS = 60_000;
export const MAX_WINDOW_MS = 400 * 86_400_000;

/** "15m" -> { name, ms }; null when it is not a duration between 1 minute and 400 days. */
export function parseWindow(text: string): WindowSpec | null {
  try {
    const ms = parseDuration(text);
    return ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS ? { name: text, ms } : null;
  } catch (err) {
    if (err instanceof DurationError) return null;
    throw err;
  }
}

export function granularityFor(windowMs: number): Granularity {
  if (windowMs <= 6 * 3_600_000) return 'minute';
  if (windowMs <= 60 * 86_400_000) return 'hour';
  return 'day';
}

export type LatencyByLayer = Record<'total' | LayerName, Percentiles>;

export interface WindowStats {
  window: string;
  windowMs: number;
  since: number;
  until: number;
  total: number;
  failed: number;
  errorRate: number | null;
  failedByLayer: Record<LayerName, number>;
  errorRateByLayer: Record<LayerName, number | null>;
  /** Latency of ok probes (total) and of each layer that ran ok. */
  latencyMs: LatencyByLayer;
}

const rate = (n: number, total: number): number | null => (total > 0 ? n / total : null);

function percentiles(h: Rollup['latency']): Percentiles {
  return { p50: quantile(h, 0.5), p95: quantile(h, 0.95), p99: quantile(h, 0.99) };
}

function latencyOf(r: Rollup): LatencyByLayer {
  const out = { total: percentiles(r.latency) } as LatencyByLayer;
  for (const layer of LAYERS) out[layer] = percentiles(r.layerLatency[layer]);
  return out;
}

/** Sums rollups into one (server and region kept from the arguments). */
export function sumRollups(server: string, rows: readonly Rollup[], g: Granularity, bucket: number): Rollup {
  const into = emptyRollup(server, ALL_REGIONS, g, bucket);
  for (const r of rows) mergeRollup(into, r);
  return into;
}

function statsOf(spec: WindowSpec, since: number, until: number, r: Rollup): WindowStats {
  const errorRateByLayer = {} as Record<LayerName, number | null>;
  for (const layer of LAYERS) errorRateByLayer[layer] = rate(r.failedByLayer[layer], r.total);
  return {
    window: spec.name,
    windowMs: spec.ms,
    since,
    until,
    total: r.total,
    failed: r.failed,
    errorRate: rate(r.failed, r.total),
    failedByLayer: { ...r.failedByLayer },
    errorRateByLayer,
    latencyMs: latencyOf(r),
  };
}

/** Stats of every window, reading each granularity once (for the longest window that needs it). */
export async function windowStats(
  store: Store,
  server: string,
  windows: readonly WindowSpec[],
  now: number,
  region?: string,
): Promise<WindowStats[]> {
  const longest = new Map<Granularity, number>();
  for (const w of windows) {
    const g = granularityFor(w.ms);
    longest.set(g, Math.max(longest.get(g) ?? 0, w.ms));
  }
  const rows = new Map<Granularity, Rollup[]>();
  for (const [g, ms] of longest) rows.set(g, await store.rollups(server, g, now - ms, now + 1, region));
  return windows.map((w) => {
    const g = granularityFor(w.ms);
    const since = now - w.ms;
    const from = Math.floor(since / GRANULARITY_MS[g]) * GRANULARITY_MS[g];
    const inWindow = (rows.get(g) ?? []).filter((r) => r.bucket >= from && r.bucket <= now);
    return statsOf(w, since, now, sumRollups(server, inWindow, g, from));
  });
}

export interface SeriesPoint {
  /** Start of the step, ms since epoch. */
  at: number;
  total: number;
  failed: number;
  errorRate: number | null;
  errorRateByLayer: Record<LayerName, number | null>;
  p50: number | null;
  p95: number | null;
}

export interface Series {
  window: string;
  granularity: Granularity;
  stepMs: number;
  points: SeriesPoint[];
}

/** At most `maxPoints` evenly spaced steps covering the window, empty steps included (total 0). */
export async function series(
  store: Store,
  server: string,
  spec: WindowSpec,
  now: number,
  maxPoints = 120,
  region?: string,
): Promise<Series> {
  const g = granularityFor(spec.ms);
  const size = GRANULARITY_MS[g];
  const stepMs = Math.max(1, Math.ceil(spec.ms / maxPoints / size)) * size;
  const first = Math.floor((now - spec.ms) / stepMs) * stepMs;
  const rows = await store.rollups(server, g, first, now + 1, region);
  const steps = new Map<number, Rollup[]>();
  for (const r of rows) {
    const at = Math.floor(r.bucket / stepMs) * stepMs;
    const list = steps.get(at);
    if (list) list.push(r);
    else steps.set(at, [r]);
  }
  const points: SeriesPoint[] = [];
  for (let at = first; at <= now; at += stepMs) {
    const sum = sumRollups(server, steps.get(at) ?? [], g, at);
    const byLayer = {} as Record<LayerName, number | null>;
    for (const layer of LAYERS) byLayer[layer] = rate(sum.failedByLayer[layer], sum.total);
    points.push({
      at,
      total: sum.total,
      failed: sum.failed,
      errorRate: rate(sum.failed, sum.total),
      errorRateByLayer: byLayer,
      p50: quantile(sum.latency, 0.5),
      p95: quantile(sum.latency, 0.95),
    });
  }
  return { window: spec.name, granularity: g, stepMs, points };
}
