/**
 * Rollup arithmetic shared by every Store implementation: UTC bucket boundaries, folding probe results
 * into per-bucket deltas, and merging rollups (counts add, histograms merge).
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import { merge, record, type Histogram } from '../util/histogram.js';
import type { Granularity, Rollup, StoredResult } from './store.js';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

export const GRANULARITY_MS: Record<Granularity, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Start (ms, UTC) of the bucket holding `at`. Epoch ms have no leap seconds, so days are exact. */
export function bucketStart(at: number, g: Granularity): number {
  const size = GRANULARITY_MS[g];
  return Math.floor(at / size) * size;
}

export function layerCounts(): Record<LayerName, number> {
  return { transport: 0, http: 0, initialize: 0, tools_list: 0, tool_call: 0 };
}

export function layerHistograms(): Record<LayerName, Histogram> {
  return { transport: {}, http: {}, initialize: {}, tools_list: {}, tool_call: {} };
}

export function emptyRollup(
  server: string,
  region: string,
  granularity: Granularity,
  bucket: number,
): Rollup {
  return {
    server,
    region,
    granularity,
    bucket,
    total: 0,
    failed: 0,
    failedByLayer: layerCounts(),
    latency: {},
    layerLatency: layerHistograms(),
  };
}

/** Counts one stored result into a rollup. `row.ok` (the monitor's verdict) decides failure. */
export function addResult(r: Rollup, row: StoredResult): void {
  r.total += 1;
  if (!row.ok) {
    r.failed += 1;
    const layer = row.result.failure?.layer;
    if (layer) r.failedByLayer[layer] += 1;
  } else {
    record(r.latency, row.result.durationMs);
  }
  for (const layer of LAYERS) {
    const l = row.result.layers[layer];
    if (l?.status === 'ok' && l.durationMs !== null) record(r.layerLatency[layer], l.durationMs);
  }
}

/** Adds `src` into `into` (counts and histograms); mutates and returns `into`. */
export function mergeRollup(into: Rollup, src: Rollup): Rollup {
  into.total += src.total;
  into.failed += src.failed;
  for (const layer of LAYERS) {
    into.failedByLayer[layer] += src.failedByLayer[layer];
    merge(into.layerLatency[layer], src.layerLatency[layer]);
  }
  merge(into.latency, src.latency);
  return into;
}

/** Folds a batch into one delta per touched (server, region, granularity, bucket). */
export function aggregateResults(rows: readonly StoredResult[]): Rollup[] {
  const deltas = new Map<string, Rollup>();
  for (const row of rows) {
    for (const g of GRANULARITIES) {
      const bucket = bucketStart(row.at, g);
      const key = `${row.server}\u0000${row.region}\u0000${g}\u0000${bucket}`;
      let r = deltas.get(key);
      if (!r) {
        r = emptyRollup(row.server, row.region, g, bucket);
        deltas.set(key, r);
      }
      addResult(r, row);
    }
  }
  return [...deltas.values()];
}

/** Merges per-region rollups into one per bucket (region ALL_REGIONS); input and output by bucket. */
export function mergeRegions(rows: readonly Rollup[], allRegions: string): Rollup[] {
  const out: Rollup[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.bucket === r.bucket) mergeRollup(last, r);
    else out.push(mergeRollup(emptyRollup(r.server, allRegions, r.granularity, r.bucket), r));
  }
  return out;
}
