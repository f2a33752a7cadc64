/**
 * OTLP metric requests → tool-call histograms: the data points of `mcp.server.operation.duration`
 * (OpenTelemetry MCP conventions; a histogram in seconds unless its unit says `ms`) whose
 * `mcp.method.name` is `tools/call`, per `gen_ai.tool.name` and `error.type`. Every other metric is
 * accepted and ignored.
 */
import { reject } from './spans.js';
import { BadOtlpData, int64, isObject, listAt, pickAttributes, serviceNameOf } from './values.js';

export const OPERATION_DURATION = 'mcp.server.operation.duration';

export interface OperationPoint {
  service: string | null;
  tool: string;
  errorType: string | null;
  /** 1 delta, 2 cumulative. */
  temporality: number;
  startMs: number;
  timeMs: number;
  count: number;
  /** explicitBounds in ms; bucketCounts has one more entry (the overflow bucket). */
  boundsMs: number[];
  bucketCounts: number[];
  maxMs: number | null;
}

export interface DecodedMetrics {
  points: OperationPoint[];
  /** Every data point in the request. */
  dataPoints: number;
  rejected: number;
  reasons: Map<string, number>;
}

const KEYS = ['mcp.method.name', 'gen_ai.tool.name', 'error.type'] as const;
const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** Reads an ExportMetricsServiceRequest object; throws BadOtlpData when its structure is not one. */
export function readMetricsRequest(request: unknown): DecodedMetrics {
  if (!isObject(request)) throw new BadOtlpData('the body is not an ExportMetricsServiceRequest object');
  const out: DecodedMetrics = { points: [], dataPoints: 0, rejected: 0, reasons: new Map() };
  for (const rm of listAt(request, 'resourceMetrics', 'request')) {
    if (!isObject(rm)) throw new BadOtlpData('resourceMetrics[] must be objects');
    const service = serviceNameOf(rm['resource']);
    for (const sm of listAt(rm, 'scopeMetrics', 'resourceMetrics[]')) {
      if (!isObject(sm)) throw new BadOtlpData('scopeMetrics[] must be objects');
      for (const metric of listAt(sm, 'metrics', 'scopeMetrics[]')) {
        if (!isObject(metric)) throw new BadOtlpData('metrics[] must be objects');
        readMetric(metric, service, out);
      }
    }
  }
  return out;
}

function readMetric(metric: Record<string, unknown>, service: string | null, out: DecodedMetrics): void {
  let points = 0;
  for (const kind of DATA_KINDS) {
    const data = metric[kind];
    if (isObject(data)) points += listAt(data, 'dataPoints', `metrics[].${kind}`).length;
  }
  out.dataPoints += points;
  if (metric['name'] !== OPERATION_DURATION) return;
  const histogram = metric['histogram'];
  if (!isObject(histogram)) {
    if (points > 0) reject(out, `${OPERATION_DURATION} is read as an explicit-bucket histogram only`, points);
    return;
  }
  const scale = metric['unit'] === 'ms' ? 1 : 1000;
  const temporality = int64(histogram['aggregationTemporality']);
  for (const dp of listAt(histogram, 'dataPoints', 'histogram')) {
    if (temporality !== 1 && temporality !== 2) {
      reject(out, 'histograms without an aggregation temporality');
      continue;
    }
    readPoint(dp, service, temporality, scale, out);
  }
}

function readPoint(
  dp: unknown,
  service: string | null,
  temporality: number,
  scale: number,
  out: DecodedMetrics,
): void {
  if (!isObject(dp)) return reject(out, 'a data point is not an object');
  const attrs = pickAttributes(dp['attributes'], KEYS);
  if (attrs === null) return reject(out, 'malformed data point attributes');
  if (attrs['mcp.method.name'] !== 'tools/call') return;
  const tool = attrs['gen_ai.tool.name'];
  if (!tool) return reject(out, 'tools/call data points without gen_ai.tool.name');
  const bounds = listAt(dp, 'explicitBounds', 'dataPoint').map(Number);
  const counts = listAt(dp, 'bucketCounts', 'dataPoint').map(int64);
  const count = int64(dp['count']);
  const time = int64(dp['timeUnixNano']);
  const valid =
    time > 0 &&
    count >= 0 &&
    bounds.every(Number.isFinite) &&
    counts.every((c) => c >= 0) &&
    (counts.length === 0 || counts.length === bounds.length + 1);
  if (!valid) return reject(out, 'histogram data points with invalid counts, bounds or time');
  const max = typeof dp['max'] === 'number' ? dp['max'] * scale : null;
  out.points.push({
    service,
    tool,
    errorType: attrs['error.type'] || null,
    temporality,
    startMs: int64(dp['startTimeUnixNano']) / 1e6,
    timeMs: time / 1e6,
    count,
    boundsMs: bounds.map((b) => b * scale),
    bucketCounts: counts,
    maxMs: max,
  });
}
