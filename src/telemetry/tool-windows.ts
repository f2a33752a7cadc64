/**
 * Per-tool call windows of one server: calls, errors and a latency histogram in time buckets, never
 * per call. Three rings read the three windows:
 *
 * | window | ring | buckets | the window covers |
 * |---|---|---|---|
 * | 5m | 30 s | 10 | 4.5 to 5 min |
 * | 1h | 5 min | 12 | 55 to 60 min |
 * | 24h | 1 h | 24 | 23 to 24 h |
 *
 * A window is the buckets of its ring that end after `now - window` (the current, partial bucket
 * included). A call older than a ring's span is left out of that ring only. Memory is bounded: at
 * most `maxTools` tools per server (calls of more are refused and counted), 46 buckets each, and a
 * latency histogram per bucket (the log buckets of util/histogram.ts, within ~9%, up to ~2 min; 136
 * counters) allocated only in buckets that had calls: at most ~38 KiB per tool with every bucket
 * holding calls (bench/otel.ts). Pure: time is an argument.
 */
import { bucketOf, bucketUpper } from '../util/histogram.js';

export const TOOL_WINDOWS = ['5m', '1h', '24h'] as const;
export type ToolWindowName = (typeof TOOL_WINDOWS)[number];

const RINGS: Record<ToolWindowName, { bucketMs: number; buckets: number }> = {
  '5m': { bucketMs: 30_000, buckets: 10 },
  '1h': { bucketMs: 5 * 60_000, buckets: 12 },
  '24h': { bucketMs: 3_600_000, buckets: 24 },
};

/** Latency counters per bucket: util/histogram's buckets 0..135 (up to 2^(135/8) ms ≈ 2 min; slower counts there). */
const LATENCY_BUCKETS = 136;

function latencyIndex(ms: number): number {
  return Math.min(LATENCY_BUCKETS - 1, bucketOf(ms));
}

/** The q-quantile of dense counters, as the bucket's upper bound rounded to 0.1 ms. */
function quantileOf(h: Uint32Array, total: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i]!;
    if (seen >= rank) return Math.round(bucketUpper(i) * 10) / 10;
  }
  return Math.round(bucketUpper(h.length - 1) * 10) / 10;
}

export const TOOL_WINDOW_MS: Record<ToolWindowName, number> = {
  '5m': 5 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
};

/** Default cap of tools kept per server. */
export const DEFAULT_MAX_TOOLS = 100;

interface Ring {
  bucketMs: number;
  keys: Float64Array;
  calls: Uint32Array;
  errors: Uint32Array;
  latency: (Uint32Array | null)[];
}

export interface ToolWindow {
  calls: number;
  errors: number;
  /** errors / calls; null without calls. */
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

interface ToolSlot {
  rings: Record<ToolWindowName, Ring>;
  lastCallAt: number;
  lastErrorAt: number | null;
  lastErrorType: string | null;
  /** When calls last came as spans: metric points of the same tool are then left out (no double count). */
  spansAt: number | null;
}

export interface ToolStats {
  tool: string;
  lastCallAt: number;
  lastErrorAt: number | null;
  lastErrorType: string | null;
  windows: Record<ToolWindowName, ToolWindow>;
}

/** A batch of calls of one tool at one time: one span, or one histogram point's delta. */
export interface CallBatch {
  at: number;
  calls: number;
  errors: number;
  /** Latency samples as [ms, count] pairs (count of calls at that latency). */
  latency: readonly (readonly [number, number])[];
  errorType: string | null;
  source: 'span' | 'metric';
}

function createRing(bucketMs: number, buckets: number): Ring {
  return {
    bucketMs,
    keys: new Float64Array(buckets).fill(-1),
    calls: new Uint32Array(buckets),
    errors: new Uint32Array(buckets),
    latency: new Array<Uint32Array | null>(buckets).fill(null),
  };
}

function addToRing(r: Ring, b: CallBatch): void {
  const key = Math.floor(b.at / r.bucketMs);
  const n = r.keys.length;
  const i = key % n;
  const current = r.keys[i]!;
  if (current > key) return; // older than this ring keeps
  if (current !== key) {
    r.keys[i] = key;
    r.calls[i] = 0;
    r.errors[i] = 0;
    r.latency[i] = null;
  }
  r.calls[i] = r.calls[i]! + b.calls;
  r.errors[i] = r.errors[i]! + b.errors;
  if (b.latency.length > 0) {
    const h = r.latency[i] ?? (r.latency[i] = new Uint32Array(LATENCY_BUCKETS));
    for (const [ms, count] of b.latency) {
      const k = latencyIndex(ms);
      h[k] = h[k]! + count;
    }
  }
}

function readRing(r: Ring, now: number, withLatency: boolean): ToolWindow {
  const newest = Math.floor(now / r.bucketMs);
  const oldest = newest - r.keys.length + 1;
  let calls = 0;
  let errors = 0;
  let samples = 0;
  const h = withLatency ? new Uint32Array(LATENCY_BUCKETS) : null;
  for (let i = 0; i < r.keys.length; i++) {
    const key = r.keys[i]!;
    if (key < oldest || key > newest) continue;
    calls += r.calls[i]!;
    errors += r.errors[i]!;
    const bucket = r.latency[i];
    if (h && bucket)
      for (let k = 0; k < LATENCY_BUCKETS; k++) {
        const n = bucket[k]!;
        if (n) {
          h[k] = h[k]! + n;
          samples += n;
        }
      }
  }
  const has = h !== null && samples > 0;
  return {
    calls,
    errors,
    errorRate: calls > 0 ? errors / calls : null,
    p50: has ? quantileOf(h, samples, 0.5) : null,
    p95: has ? quantileOf(h, samples, 0.95) : null,
    p99: has ? quantileOf(h, samples, 0.99) : null,
  };
}

/** The tool windows of one server. */
export class ServerToolWindows {
  private readonly tools = new Map<string, ToolSlot>();

  constructor(readonly maxTools = DEFAULT_MAX_TOOLS) {}

  get size(): number {
    return this.tools.size;
  }

  /**
   * Adds calls of `tool`. False when refused: a new tool beyond `maxTools` (tools without a call in
   * 24 h are forgotten first), or a metric point for a tool whose calls come as spans.
   */
  add(tool: string, b: CallBatch): boolean {
    let slot = this.tools.get(tool);
    if (!slot) {
      if (this.tools.size >= this.maxTools) this.forget(b.at);
      if (this.tools.size >= this.maxTools) return false;
      slot = {
        rings: {
          '5m': createRing(RINGS['5m'].bucketMs, RINGS['5m'].buckets),
          '1h': createRing(RINGS['1h'].bucketMs, RINGS['1h'].buckets),
          '24h': createRing(RINGS['24h'].bucketMs, RINGS['24h'].buckets),
        },
        lastCallAt: b.at,
        lastErrorAt: null,
        lastErrorType: null,
        spansAt: null,
      };
      this.tools.set(tool, slot);
    }
    if (b.source === 'span') slot.spansAt = Math.max(slot.spansAt ?? b.at, b.at);
    else if (slot.spansAt !== null && b.at - slot.spansAt < SPANS_WIN_MS) return true;
    for (const w of TOOL_WINDOWS) addToRing(slot.rings[w], b);
    slot.lastCallAt = Math.max(slot.lastCallAt, b.at);
    if (b.errors > 0 && b.at >= (slot.lastErrorAt ?? -Infinity)) {
      slot.lastErrorAt = b.at;
      slot.lastErrorType = b.errorType;
    }
    return true;
  }

  /** Drops tools without a call in the last 24 h. */
  forget(now: number): void {
    for (const [tool, slot] of this.tools)
      if (now - slot.lastCallAt > TOOL_WINDOW_MS['24h']) this.tools.delete(tool);
  }

  /** One window of every tool (calls and errors only: what the rules read), busiest first. */
  counts(window: ToolWindowName, now: number): { tool: string; calls: number; errors: number }[] {
    const out: { tool: string; calls: number; errors: number }[] = [];
    for (const [tool, slot] of this.tools) {
      const w = readRing(slot.rings[window], now, false);
      if (w.calls > 0) out.push({ tool, calls: w.calls, errors: w.errors });
    }
    return out.sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
  }

  /** Every tool with a call in the last 24 h, with all windows and latency, by name. */
  stats(now: number): ToolStats[] {
    const out: ToolStats[] = [];
    for (const [tool, slot] of this.tools) {
      if (now - slot.lastCallAt > TOOL_WINDOW_MS['24h']) continue;
      out.push({
        tool,
        lastCallAt: slot.lastCallAt,
        lastErrorAt: slot.lastErrorAt,
        lastErrorType: slot.lastErrorType,
        windows: {
          '5m': readRing(slot.rings['5m'], now, true),
          '1h': readRing(slot.rings['1h'], now, true),
          '24h': readRing(slot.rings['24h'], now, true),
        },
      });
    }
    return out.sort((a, b) => a.tool.localeCompare(b.tool));
  }
}

/** Metric points of a tool are ignored for this long after its last span (spans win). */
export const SPANS_WIN_MS = 10 * 60_000;
