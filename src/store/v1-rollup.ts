/**
 * A rollup row of schema v1 (one row per server, granularity, bucket and region, counts in columns,
 * histograms as JSON text) as both backends read it while migrating to compact rollups, and its
 * conversion into the v2 blob (./compact.ts).
 */
import type { LayerName } from '../probe/types.js';
import type { Histogram } from '../util/histogram.js';
import { encodeRollup } from './compact.js';
import type { Granularity } from './store.js';

export interface V1Rollup {
  server: string;
  granularity: Granularity;
  bucket: number;
  region: string;
  total: number;
  failed: number;
  failed_transport: number;
  failed_http: number;
  failed_initialize: number;
  failed_tools_list: number;
  latency: string;
  layer_latency: string;
}

/** The v2 blob of a v1 row's counts and histograms. */
export function encodeV1Rollup(r: V1Rollup): Buffer {
  return encodeRollup({
    total: r.total,
    failed: r.failed,
    failedByLayer: {
      transport: r.failed_transport,
      http: r.failed_http,
      initialize: r.failed_initialize,
      tools_list: r.failed_tools_list,
      tool_call: 0, // v1 rows predate the tool_call layer
    },
    latency: JSON.parse(r.latency) as Histogram,
    layerLatency: JSON.parse(r.layer_latency) as Record<LayerName, Histogram>,
  });
}
