/**
 * Compact encodings of what the store keeps per probe, shared by SQLite and PostgreSQL.
 *
 * A probe result is split in two: a *template* (the result's JSON with its per-probe numbers set to
 * null: startedAt, the whole-probe and per-layer timings, tls.daysRemaining) that is the same for
 * every healthy probe of a server and is stored once (deduplicated by its sha256), and a few bytes of
 * *values* (varints) kept with each probe. `expandResult(template, values, at)` gives back exactly the
 * JSON that was written; `compactResult` checks that before it answers, and keeps the whole JSON as
 * the template (with empty values) whenever the split would not reproduce it byte for byte.
 *
 * Rollup rows keep their counts and latency histograms as one varint blob (`encodeRollup`).
 */
import { createHash } from 'node:crypto';
import type { LayerName, ProbeResult } from '../probe/types.js';
import type { Histogram } from '../util/histogram.js';
import type { Rollup } from './store.js';

const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Varint (LEB128) writer; numbers up to 2^53, signed ones zigzag-encoded. */
class Writer {
  readonly bytes: number[] = [];
  uint(n: number): void {
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
  }
  int(n: number): void {
    this.uint(zigzag(n));
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('truncated varint in a stored value');
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  }
  int(): number {
    return unzigzag(this.uint());
  }
}

/**
 * The per-probe numbers, in the order their values are written, each in hundredths as the delta from
 * a prediction made of the values before it (so the prober's sums cost one byte): transport = dns +
 * connect + tls, http = ttfb, the whole probe = the sum of the layers, the certificate countdown =
 * validTo - at in days.
 */
type Predict = (got: (number | null)[], result: Json, at: number) => number;
const zero: Predict = () => 0;
const sum =
  (...i: number[]): Predict =>
  (got) =>
    i.reduce((n, k) => n + (got[k] ?? 0), 0);
const NUMBERS: readonly { path: readonly string[]; predict: Predict }[] = [
  { path: ['layers', 'transport', 'dnsMs'], predict: zero },
  { path: ['layers', 'transport', 'connectMs'], predict: zero },
  { path: ['layers', 'transport', 'tlsMs'], predict: zero },
  { path: ['layers', 'transport', 'durationMs'], predict: sum(0, 1, 2) },
  { path: ['layers', 'http', 'ttfbMs'], predict: zero },
  { path: ['layers', 'http', 'durationMs'], predict: sum(4) },
  { path: ['layers', 'initialize', 'durationMs'], predict: zero },
  { path: ['layers', 'tools_list', 'durationMs'], predict: zero },
  { path: ['durationMs'], predict: sum(3, 5, 6, 7) },
  { path: ['tls', 'daysRemaining'], predict: (_got, result, at) => daysLeft(result, at) },
];

/** Hundredths of days from `at` to tls.validTo (from the template), 0 when there is none. */
function daysLeft(result: Json, at: number): number {
  const tls = result['tls'];
  const to = isObject(tls) && typeof tls['validTo'] === 'string' ? Date.parse(tls['validTo']) : NaN;
  return Number.isFinite(to) ? Math.round(((to - at) / 86_400_000) * 100) : 0;
}

/** Hundredths must stay far below 2^53 so that zigzag + 1 is exact. */
const MAX_CENTS = 2 ** 48;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parentOf(root: Json, path: readonly string[]): Json | null {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) node = isObject(node) ? node[path[i]!] : undefined;
  return isObject(node) ? node : null;
}

/** How a result is kept: a template (shared) and values (per probe; empty = the template is the result). */
export interface CompactResult {
  template: string;
  /** sha256 of the template, the key that deduplicates it. */
  hash: Buffer;
  values: Buffer;
}

export function templateHash(template: string): Buffer {
  return createHash('sha256').update(template).digest();
}

/**
 * Splits `result` (probed at `at`) into template and values. Throws, like JSON.stringify, on values
 * JSON cannot hold (so the write's transaction rolls back).
 */
export function compactResult(result: ProbeResult, at: number): CompactResult {
  const text = JSON.stringify(result);
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  const copy = JSON.parse(text) as Json;
  const w = new Writer();
  // startedAt as ms from `at` (0 = kept in the template as it was).
  const started = typeof copy['startedAt'] === 'string' ? Date.parse(copy['startedAt']) : NaN;
  if (Number.isSafeInteger(started - at) && Math.abs(started - at) < MAX_CENTS) {
    w.uint(zigzag(started - at) + 1);
    copy['startedAt'] = null;
  } else w.uint(0);
  const got: (number | null)[] = [];
  const found = NUMBERS.map(({ path }) => {
    const parent = parentOf(copy, path);
    const key = path[path.length - 1]!;
    const v = parent?.[key];
    const cents = typeof v === 'number' ? Math.round(v * 100) : NaN;
    if (!parent || !(Math.abs(cents) < MAX_CENTS) || cents / 100 !== v) return null;
    parent[key] = null;
    return cents;
  });
  NUMBERS.forEach(({ predict }, i) => {
    const cents = found[i]!;
    if (cents === null) w.uint(0);
    else w.uint(zigzag(cents - predict(got, copy, at)) + 1);
    got.push(cents);
  });
  // The tool_call layer (present only when calls are configured): its duration and each call's,
  // after the rest, so values written before it existed read unchanged.
  const toolCall = parentOf(copy, ['layers', 'tool_call', 'durationMs']);
  if (toolCall) {
    w.uint(takeCents(toolCall, 'durationMs'));
    const calls = Array.isArray(toolCall['calls']) ? (toolCall['calls'] as unknown[]) : [];
    w.uint(calls.length);
    for (const call of calls) w.uint(isObject(call) ? takeCents(call, 'durationMs') : 0);
  }
  const template = JSON.stringify(copy);
  const values = w.buffer();
  if (JSON.stringify(expandResult(template, values, at)) === text)
    return { template, hash: templateHash(template), values };
  return { template: text, hash: templateHash(text), values: Buffer.alloc(0) };
}

/** A number in hundredths as zigzag + 1, replaced by null in `parent`; 0 (left alone) otherwise. */
function takeCents(parent: Json, key: string): number {
  const v = parent[key];
  const cents = typeof v === 'number' ? Math.round(v * 100) : NaN;
  if (!(Math.abs(cents) < MAX_CENTS) || cents / 100 !== v) return 0;
  parent[key] = null;
  return zigzag(cents) + 1;
}

function putCents(parent: Json, key: string, code: number): void {
  if (code !== 0) parent[key] = unzigzag(code - 1) / 100;
}

/** The result `compactResult` split, exactly as it was written. */
export function expandResult(template: string, values: Uint8Array, at: number): ProbeResult {
  const result = JSON.parse(template) as Json;
  if (values.length === 0) return result as unknown as ProbeResult;
  const r = new Reader(values);
  const started = r.uint();
  if (started !== 0) result['startedAt'] = new Date(at + unzigzag(started - 1)).toISOString();
  const got: (number | null)[] = [];
  for (const { path, predict } of NUMBERS) {
    const code = r.uint();
    const cents = code === 0 ? null : unzigzag(code - 1) + predict(got, result, at);
    got.push(cents);
    const parent = parentOf(result, path);
    if (cents !== null && parent) parent[path[path.length - 1]!] = cents / 100;
  }
  const toolCall = parentOf(result, ['layers', 'tool_call', 'durationMs']);
  if (toolCall && !r.done) {
    putCents(toolCall, 'durationMs', r.uint());
    const calls = Array.isArray(toolCall['calls']) ? (toolCall['calls'] as unknown[]) : [];
    for (let n = r.uint(), i = 0; i < n; i++) {
      const code = r.uint();
      const call = calls[i];
      if (isObject(call)) putCents(call, 'durationMs', code);
    }
  }
  return result as unknown as ProbeResult;
}

/** A histogram: one sample at bucket k >= 0 as 2k + 1; otherwise 2n and n (key delta, count) pairs. */
function writeHistogram(w: Writer, h: Histogram | undefined): void {
  const keys = Object.keys(h ?? {})
    .map(Number)
    .sort((a, b) => a - b);
  if (keys.length === 1 && keys[0]! >= 0 && h![keys[0]!] === 1) {
    w.uint(2 * keys[0]! + 1);
    return;
  }
  w.uint(2 * keys.length);
  let prev = 0;
  for (const k of keys) {
    w.int(k - prev);
    prev = k;
    w.uint(h![k]!);
  }
}

function readHistogram(r: Reader): Histogram {
  const h: Histogram = {};
  const first = r.uint();
  if (first % 2 === 1) {
    h[(first - 1) / 2] = 1;
    return h;
  }
  let key = 0;
  for (let n = first / 2; n > 0; n--) {
    key += r.int();
    h[key] = r.uint();
  }
  return h;
}

export type RollupData = Pick<Rollup, 'total' | 'failed' | 'failedByLayer' | 'latency' | 'layerLatency'>;

/**
 * Counts and histograms of a rollup row as varints: total, then failed * 2 + (1 when the failures by
 * layer follow), the failures by layer, then the whole-probe histogram and one per layer (entry
 * count, then key delta and count per entry). A minute holding one healthy probe takes 7 bytes.
 *
 * The first four layers are written as before the fifth (tool_call) existed; tool_call's failures
 * and histogram follow only when there are any, so rows written before it read unchanged.
 */
const FIRST_LAYERS = [
  'transport',
  'http',
  'initialize',
  'tools_list',
] as const satisfies readonly LayerName[];

export function encodeRollup(d: RollupData): Buffer {
  const w = new Writer();
  w.uint(d.total);
  const byLayer = FIRST_LAYERS.map((l) => d.failedByLayer[l] ?? 0);
  const withLayers = byLayer.some((n) => n !== 0);
  w.uint(d.failed * 2 + (withLayers ? 1 : 0));
  if (withLayers) for (const n of byLayer) w.uint(n);
  writeHistogram(w, d.latency);
  for (const l of FIRST_LAYERS) writeHistogram(w, d.layerLatency[l]);
  const toolCallFailed = d.failedByLayer.tool_call ?? 0;
  const toolCall = d.layerLatency.tool_call ?? {};
  if (toolCallFailed > 0 || Object.keys(toolCall).length > 0) {
    w.uint(toolCallFailed);
    writeHistogram(w, toolCall);
  }
  return w.buffer();
}

export function decodeRollup(buf: Uint8Array): RollupData {
  const r = new Reader(buf);
  const total = r.uint();
  const f = r.uint();
  const failedByLayer: Record<LayerName, number> = {
    transport: 0,
    http: 0,
    initialize: 0,
    tools_list: 0,
    tool_call: 0,
  };
  if (f % 2 === 1) for (const l of FIRST_LAYERS) failedByLayer[l] = r.uint();
  const latency = readHistogram(r);
  const layerLatency = {} as Record<LayerName, Histogram>;
  for (const l of FIRST_LAYERS) layerLatency[l] = readHistogram(r);
  layerLatency.tool_call = {};
  if (!r.done) {
    failedByLayer.tool_call = r.uint();
    layerLatency.tool_call = readHistogram(r);
  }
  if (!r.done) throw new RangeError('trailing bytes in a stored rollup');
  return { total, failed: Math.floor(f / 2), failedByLayer, latency, layerLatency };
}

const HOUR_MS = 3_600_000;

/**
 * The `last_at` a template gets when a result at `at` uses it: the end of the next hour, so a
 * template is touched at most about once an hour per server however often it is probed.
 */
export function keepTemplateUntil(at: number): number {
  return (Math.floor(at / HOUR_MS) + 2) * HOUR_MS;
}

/** Granularities as small integers in the rollup key; buckets are counted in their granularity. */
export const GRANULARITY_CODE = { minute: 0, hour: 1, day: 2 } as const;
