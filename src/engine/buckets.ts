/**
 * Coarse rings of time buckets: hours (the last 3 days) and days (the SLO window, 30 days by
 * default). Every round is added to both at once. A window of N buckets is the bucket holding the
 * time judged plus the N − 1 before it, so "24 h" read at 10:20 covers 23 h 20 min to 24 h.
 *
 * The hour ring keeps each completed hour's p95 (for the 48 h trend) and the SLO time of its isolated
 * failures (jitter, left out of burn-rate alerting: slo.ts); the day ring keeps a latency
 * histogram per day (for the 7-day p95 and baseline), as sorted [bucket, count, ...] pairs: a plain
 * object keyed by bucket numbers around 50 would cost V8 an elements array of that length.
 * Columns are typed arrays in one buffer (columns.ts): a server's rings are the bulk of its engine
 * state, and a plain array of numbers costs 8 bytes a slot plus a boxed double wherever a value is not
 * a small integer; typed arrays are also cheap to copy. Bucket keys are 32-bit; counts start in 16
 * bits and SLO times (whole ms: slo.ts `roundWeight` rounds every credit) in 32, and the ring widens
 * to 32-bit counts and doubles before a value would not fit (an hour at the shortest interval, 1 s,
 * holds about 7,200 rounds with confirmations; a day that many × 24 can exceed 16 bits and widens).
 */
import { bucketOf, type Histogram } from '../util/histogram.js';
import { LAYERS } from '../probe/types.js';
import { emptyTally, type Tally } from './tally.js';
import { fitsNarrow, NARROW_COUNT_MAX, NARROW_MS_MAX, viewsOf, type Column, type Layout } from './columns.js';

/** Failed-round columns per slot: one per layer, in LAYERS order. */
export const LAYER_STRIDE = LAYERS.length;

/** A count column: Uint16 while narrow, Int32 once the ring is wide. */
export type CountColumn = Column;
/** A time column (ms): Uint32 while narrow, Float64 once the ring is wide. */
export type MsColumn = Column;

export interface BucketRing {
  spanMs: number;
  /** Whether the columns have their wide types (columns.ts). */
  wide: boolean;
  /** The buffer all the typed columns below are views of. */
  buffer: ArrayBuffer;
  /** floor(at / spanMs) of the bucket in each slot; -1 for an empty slot. */
  keys: Int32Array;
  rounds: CountColumn;
  /** LAYER_STRIDE per slot: failed rounds by layer. */
  failed: CountColumn;
  sloMs: MsColumn;
  sloBadMs: MsColumn;
  /** Hour ring: of sloBadMs, the time of isolated failures (jitter). Null for the day ring. */
  sloJitterMs: MsColumn | null;
  /** Hour ring: p95 (ms) of each completed hour, NaN until known. */
  p95: Float64Array | null;
  /** Day ring: whole-probe latency of the good rounds, as sorted [bucket, count, ...] pairs. */
  latency: number[][] | null;
}

interface Extra {
  p95?: boolean;
  latency?: boolean;
  jitter?: boolean;
}

function layoutOf(size: number, extra: Extra, wide: boolean): Layout {
  const count = wide ? Int32Array : Uint16Array;
  const ms = wide ? Float64Array : Uint32Array;
  return {
    keys: [Int32Array, size],
    rounds: [count, size],
    failed: [count, size * LAYER_STRIDE],
    sloMs: [ms, size],
    sloBadMs: [ms, size],
    sloJitterMs: extra.jitter ? [ms, size] : null,
    p95: extra.p95 ? [Float64Array, size] : null,
  };
}

/** A ring with its columns over `from` (a new zeroed buffer by default) and the given latency column. */
function ring(
  spanMs: number,
  size: number,
  extra: Extra,
  wide: boolean,
  latency: number[][] | null,
  from?: ArrayBuffer,
): BucketRing {
  const { buffer, views: c } = viewsOf(layoutOf(size, extra, wide), from);
  return {
    spanMs,
    wide,
    buffer,
    keys: c['keys'] as Int32Array,
    rounds: c['rounds']!,
    failed: c['failed']!,
    sloMs: c['sloMs']!,
    sloBadMs: c['sloBadMs']!,
    sloJitterMs: c['sloJitterMs'] ?? null,
    p95: c['p95'] as Float64Array | null,
    latency,
  };
}

function extraOf(b: BucketRing): Extra {
  return { p95: b.p95 !== null, latency: b.latency !== null, jitter: b.sloJitterMs !== null };
}

/** Switches `b` to the wide layout, values unchanged (mutates the ring). */
function widen(b: BucketRing): void {
  const w = ring(b.spanMs, b.keys.length, extraOf(b), true, b.latency);
  w.keys.set(b.keys);
  w.rounds.set(b.rounds);
  w.failed.set(b.failed);
  w.sloMs.set(b.sloMs);
  w.sloBadMs.set(b.sloBadMs);
  if (b.sloJitterMs) w.sloJitterMs!.set(b.sloJitterMs);
  if (b.p95) w.p95!.set(b.p95);
  Object.assign(b, w);
}

/** Widens `b` unless it is wide already or `count` fits a narrow column (one value: no array per call). */
function fitCount(b: BucketRing, count: number): void {
  if (!b.wide && !fitsNarrow(count, NARROW_COUNT_MAX)) widen(b);
}

/** Widens `b` unless it is wide already or `ms` fits a narrow column. */
function fitTime(b: BucketRing, ms: number): void {
  if (!b.wide && !fitsNarrow(ms, NARROW_MS_MAX)) widen(b);
}

/** The histogram of a day without samples, shared: histograms are replaced, never changed in place. */
const NO_LATENCY: number[] = Object.freeze([]) as unknown as number[];

export interface BucketEntry {
  /** Index of the failed layer, or -1. */
  failedLayer: number;
  latencyMs: number | null;
}

export function createBuckets(spanMs: number, size: number, extra: Extra): BucketRing {
  const b = ring(
    spanMs,
    size,
    extra,
    false,
    extra.latency ? new Array<number[]>(size).fill(NO_LATENCY) : null,
  );
  b.keys.fill(-1);
  b.p95?.fill(NaN);
  return b;
}

export function cloneBuckets(b: BucketRing): BucketRing {
  // Histograms are replaced, never changed in place, so the copy can share them.
  const latency = b.latency ? b.latency.slice() : null;
  return ring(b.spanMs, b.keys.length, extraOf(b), b.wide, latency, b.buffer.slice(0));
}

export function keyOf(b: BucketRing, at: number): number {
  return Math.floor(at / b.spanMs);
}

/** The slot holding bucket `key`, or -1. */
export function slotOfKey(b: BucketRing, key: number): number {
  const slot = key % b.keys.length;
  return b.keys[slot] === key ? slot : -1;
}

/** The slot for bucket `key`, emptied if it held an older bucket; -1 if `key` is too old to keep. */
function claim(b: BucketRing, key: number): number {
  const slot = key % b.keys.length;
  const held = b.keys[slot]!;
  if (held === key) return slot;
  if (held > key) return -1;
  b.keys[slot] = key;
  b.rounds[slot] = 0;
  for (let l = 0; l < LAYER_STRIDE; l++) b.failed[slot * LAYER_STRIDE + l] = 0;
  b.sloMs[slot] = 0;
  b.sloBadMs[slot] = 0;
  if (b.sloJitterMs) b.sloJitterMs[slot] = 0;
  if (b.p95) b.p95[slot] = NaN;
  if (b.latency) b.latency[slot] = NO_LATENCY;
  return slot;
}

/** Adds one round judged outside maintenance (mutates the ring: call it on a clone). */
export function addToBuckets(b: BucketRing, at: number, e: BucketEntry): void {
  const slot = claim(b, keyOf(b, at));
  if (slot < 0) return;
  const failedAt = slot * LAYER_STRIDE + e.failedLayer;
  fitCount(b, b.rounds[slot]! + 1);
  if (e.failedLayer >= 0) fitCount(b, b.failed[failedAt]! + 1);
  b.rounds[slot]! += 1;
  if (e.failedLayer >= 0) b.failed[failedAt]! += 1;
  if (b.latency && e.latencyMs !== null)
    b.latency[slot] = withSample(b.latency[slot]!, bucketOf(e.latencyMs));
}

/** A copy of sorted [bucket, count] pairs with one more sample in `bucket`. */
function withSample(pairs: readonly number[], bucket: number): number[] {
  const out = pairs.slice();
  let j = 0;
  while (j < out.length && out[j]! < bucket) j += 2;
  if (out[j] === bucket) out[j + 1]! += 1;
  else out.splice(j, 0, bucket, 1);
  return out;
}

/**
 * Adds SLO time to the bucket holding `at`; `jitter`: unavailable time of an isolated failure, also
 * kept apart where the ring has the column (mutates the ring: call it on a clone).
 */
export function addSloTime(
  b: BucketRing,
  at: number,
  ms: number,
  unavailable: boolean,
  jitter = false,
): void {
  const slot = claim(b, keyOf(b, at));
  if (slot < 0) return;
  const bad = unavailable ? ms : 0;
  const jitterMs = unavailable && jitter && b.sloJitterMs ? ms : 0;
  fitTime(b, b.sloMs[slot]! + ms);
  fitTime(b, b.sloBadMs[slot]! + bad);
  if (jitterMs !== 0) fitTime(b, b.sloJitterMs![slot]! + jitterMs);
  b.sloMs[slot]! += ms;
  if (!unavailable) return;
  b.sloBadMs[slot]! += ms;
  if (jitterMs !== 0) b.sloJitterMs![slot]! += ms;
}

/** Sets the p95 of a completed hour. */
export function setP95(b: BucketRing, key: number, p95: number | null): void {
  const slot = slotOfKey(b, key);
  if (slot >= 0 && b.p95) b.p95[slot] = p95 ?? NaN;
}

/** Buckets `endKey - count < key <= endKey`. */
export function tallyBuckets(b: BucketRing, end: number, count: number): Tally {
  const t = emptyTally();
  const endKey = keyOf(b, end);
  for (let key = endKey - count + 1; key <= endKey; key++) {
    const slot = slotOfKey(b, key);
    if (slot < 0) continue;
    t.rounds += b.rounds[slot]!;
    for (let l = 0; l < LAYER_STRIDE; l++) {
      const n = b.failed[slot * LAYER_STRIDE + l]!;
      t.failed += n;
      t.failedByLayer[l]! += n;
    }
    t.sloMs += b.sloMs[slot]!;
    t.sloBadMs += b.sloBadMs[slot]!;
    t.sloJitterMs += b.sloJitterMs?.[slot] ?? 0;
  }
  return t;
}

/** The merged latency histogram of buckets `fromKey..toKey` (inclusive). */
export function histogramOver(b: BucketRing, fromKey: number, toKey: number): Histogram {
  const h: Histogram = {};
  for (let key = fromKey; key <= toKey; key++) {
    const slot = slotOfKey(b, key);
    const pairs = slot >= 0 ? b.latency?.[slot] : undefined;
    if (!pairs) continue;
    for (let j = 0; j < pairs.length; j += 2) h[pairs[j]!] = (h[pairs[j]!] ?? 0) + pairs[j + 1]!;
  }
  return h;
}

/** Occupied slots, oldest bucket first. */
export function slotsByKey(b: BucketRing): number[] {
  const slots: number[] = [];
  b.keys.forEach((key, slot) => {
    if (key >= 0) slots.push(slot);
  });
  return slots.sort((x, y) => b.keys[x]! - b.keys[y]!);
}

export interface BucketValues {
  rounds: number;
  failed: number[];
  sloMs: number;
  sloBadMs: number;
  sloJitterMs: number;
  p95: number | null;
  latency: number[];
}

/** Puts a whole bucket back (deserialisation); a bucket older than the ring holds is dropped. */
export function putBucket(b: BucketRing, key: number, v: BucketValues): void {
  const slot = claim(b, key);
  if (slot < 0) return;
  const failed = Array.from({ length: LAYER_STRIDE }, (_, l) => v.failed[l] ?? 0);
  for (const n of [v.rounds, ...failed]) fitCount(b, n);
  for (const ms of [v.sloMs, v.sloBadMs, b.sloJitterMs ? v.sloJitterMs : 0]) fitTime(b, ms);
  b.rounds[slot] = v.rounds;
  for (let l = 0; l < LAYER_STRIDE; l++) b.failed[slot * LAYER_STRIDE + l] = failed[l]!;
  b.sloMs[slot] = v.sloMs;
  b.sloBadMs[slot] = v.sloBadMs;
  if (b.sloJitterMs) b.sloJitterMs[slot] = v.sloJitterMs;
  if (b.p95) b.p95[slot] = v.p95 ?? NaN;
  if (b.latency) b.latency[slot] = v.latency;
}
