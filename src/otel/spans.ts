/**
 * OTLP trace requests → MCP tool calls, by the OpenTelemetry semantic conventions for MCP: a span
 * with `mcp.method.name` = `tools/call` (or, without that attribute, a span named `tools/call …`)
 * is one tool call of the tool in `gen_ai.tool.name`; it failed when it has an `error.type`
 * (`tool_error` for a result with isError, or a JSON-RPC error code) or an error status. Its service
 * is the resource's `service.name`. Client-side spans (kind CLIENT, PRODUCER) are not the server's
 * calls and are skipped; spans of other methods are accepted and ignored.
 */
import { BadOtlpData, int64, isObject, listAt, pickAttributes, serviceNameOf } from './values.js';

export interface ToolCall {
  /** The resource's service.name (null when the resource has none). */
  service: string | null;
  tool: string;
  ok: boolean;
  /** `error.type`, or `_OTHER` for an error status without one; null when ok. */
  errorType: string | null;
  durationMs: number;
  /** When the call ended (ms since epoch). */
  endMs: number;
}

export interface DecodedSpans {
  calls: ToolCall[];
  /** Every span in the request. */
  spans: number;
  /** Spans that cannot be read (bad timestamps, a tools/call span without a tool name, …). */
  rejected: number;
  /** Why, one line per kind of reason with its count. */
  reasons: Map<string, number>;
}

const SPAN_KIND_CLIENT = 3;
const SPAN_KIND_PRODUCER = 4;
const STATUS_ERROR = 2;
/** MCP tool names are 1 to 128 characters (2025-11-25 spec). */
const MAX_TOOL_NAME = 128;

const KEYS = ['mcp.method.name', 'gen_ai.tool.name', 'error.type'] as const;

export function reject(out: { rejected: number; reasons: Map<string, number> }, why: string, n = 1): void {
  out.rejected += n;
  out.reasons.set(why, (out.reasons.get(why) ?? 0) + n);
}

/** Reads an ExportTraceServiceRequest object; throws BadOtlpData when its structure is not one. */
export function readTraceRequest(request: unknown): DecodedSpans {
  if (!isObject(request)) throw new BadOtlpData('the body is not an ExportTraceServiceRequest object');
  const out: DecodedSpans = { calls: [], spans: 0, rejected: 0, reasons: new Map() };
  for (const rs of listAt(request, 'resourceSpans', 'request')) {
    if (!isObject(rs)) throw new BadOtlpData('resourceSpans[] must be objects');
    const service = serviceNameOf(rs['resource']);
    for (const ss of listAt(rs, 'scopeSpans', 'resourceSpans[]')) {
      if (!isObject(ss)) throw new BadOtlpData('scopeSpans[] must be objects');
      for (const span of listAt(ss, 'spans', 'scopeSpans[]')) {
        out.spans++;
        readSpan(span, service, out);
      }
    }
  }
  return out;
}

function readSpan(span: unknown, service: string | null, out: DecodedSpans): void {
  if (!isObject(span)) return reject(out, 'a span is not an object');
  const attrs = pickAttributes(span['attributes'], KEYS);
  if (attrs === null) return reject(out, 'malformed span attributes');
  const name = typeof span['name'] === 'string' ? span['name'] : '';
  const method = attrs['mcp.method.name'];
  const isToolCall = method === 'tools/call' || (method === undefined && name.startsWith('tools/call'));
  if (!isToolCall) return;
  const kind = int64(span['kind']);
  if (kind === SPAN_KIND_CLIENT || kind === SPAN_KIND_PRODUCER) return;
  const tool =
    attrs['gen_ai.tool.name'] ?? (method === undefined ? name.slice('tools/call'.length).trim() : '');
  if (!tool) return reject(out, 'tools/call spans without gen_ai.tool.name');
  if (tool.length > MAX_TOOL_NAME) return reject(out, `tool names longer than ${MAX_TOOL_NAME} characters`);
  const start = int64(span['startTimeUnixNano']);
  const end = int64(span['endTimeUnixNano']);
  if (!(start > 0) || !(end > 0) || end < start)
    return reject(out, 'spans without valid startTimeUnixNano/endTimeUnixNano');
  const status = isObject(span['status']) ? int64(span['status']['code']) : 0;
  const errorType = attrs['error.type'] || (status === STATUS_ERROR ? '_OTHER' : null);
  out.calls.push({
    service,
    tool,
    ok: errorType === null,
    errorType,
    durationMs: (end - start) / 1e6,
    endMs: end / 1e6,
  });
}
