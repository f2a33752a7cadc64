/**
 * Coarse rings of time buckets: hours (the last 3 days) and days (the SLO window, 30 days by
 * default). Every round is added to both at once. A window of N buckets is the bucket holding the
 * time judged plus the N − 1 before it, so "24 h" read at 10:20 covers 23 h 20 min to 24 h.
 *
 * The hour ring keeps each completed hour's p95 (for the 48 h trend) and the SLO time of its isolated
 * failures (jitter, left out of burn-rate alerting: slo.ts); the day ring keeps a latency
 * histogram per day (for the 7-day p95 and baseline), one number per bucket (`bucket × 2^32 + count`,
 * sorted): a plain object keyed by bucket numbers around 50 would cost V8 an elements array of that
 * length, and [bucket, count] pairs twice the numbers (a month of days holds ~30 of these arrays).
 * Columns lie in one buffer per ring, read through one DataView (columns.ts): a server's rings are the
 * bulk of its engine state, and a plain array of numbers costs 8 bytes a slot plus a boxed double
 * wherever a value is not a small integer; a buffer is also cheap to copy. Bucket keys are 32-bit; counts start in 16
 * bits and SLO times (whole ms: slo.ts `roundWeight` rounds every credit) in 32, and the ring widens
 * to 32-bit counts and doubles before a value would not fit (an hour at the shortest interval, 1 s,
 * holds about 7,200 rounds with confirmations; a day that many × 24 can exceed 16 bits and widens).
 */
import { bucketOf, type Histogram } from '../util/histogram.js';
import { LAYERS } from '../probe/types.js';
import { emptyTally, type Tally } from './tally.js';
import {
  copyColumns,
  fitsNarrow,
  NARROW_COUNT_MAX,
  NARROW_MS_MAX,
  viewFor,
  type Column,
  type Columns,
  sharedColumnsOf,
  type Spec,
} from './columns.js';

/** Failed-round columns per slot: one per layer, in LAYERS order. */
export const LAYER_STRIDE = LAYERS.length;

interface BucketLayout {
  /** floor(at / spanMs) of the bucket in each slot; -1 for an empty slot. */
  keys: Spec;
  /** Counts: Uint16 while narrow, Int32 once the ring is wide. */
  rounds: Spec;
  /** LAYER_STRIDE per slot: failed rounds by layer. */
  failed: Spec;
  /** Times (ms): Uint32 while narrow, Float64 once the ring is wide. */
  sloMs: Spec;
  sloBadMs: Spec;
  /** Hour ring: of sloBadMs, the time of isolated failures (jitter). Null for the day ring. */
  sloJitterMs: Spec | null;
  /**
   * Hour ring: p95 of each completed hour. Narrow: tenths of a ms plus one (0: not known), which holds
   * every p95 the engine computes (quantiles are rounded to 0.1 ms); wide: ms, NaN until known.
   */
  p95: Spec | null;
}
/** The columns a widening copies as they are (`p95` is converted). */
const NAMES_BUT_P95 = ['keys', 'rounds', 'failed', 'sloMs', 'sloBadMs', 'sloJitterMs'] as const;

export type BucketColumns = Columns<BucketLayout>;

export interface BucketRing {
  spanMs: number;
  /** Whether the columns have their wide types (columns.ts). */
  wide: boolean;
  /** The ring's buffer: every column below lies in it. */
  view: DataView;
  /** Where each column lies (shared by all rings of this layout). */
  columns: BucketColumns;
  /** Day ring: whole-probe latency of the good rounds, as sorted cells (`cell`, `bucketOfCell`). */
  latency: number[][] | null;
}

/** A day histogram's cell: bucket and count in one number, `bucket × 2^32 + count` (exact: < 2^53). */
const CELL = 2 ** 32;
const bucketOfCell = (cell: number): number => Math.floor(cell / CELL);
const countOfCell = (cell: number): number => cell % CELL;

interface Extra {
  p95?: boolean;
  latency?: boolean;
  jitter?: boolean;
}

function layoutOf(size: number, extra: Extra, wide: boolean): BucketLayout {
  const count = wide ? Int32Array : Uint16Array;
  const ms = wide ? Float64Array : Uint32Array;
  return {
    keys: [Int32Array, size],
    rounds: [count, size],
    failed: [count, size * LAYER_STRIDE],
    sloMs: [ms, size],
    sloBadMs: [ms, size],
    sloJitterMs: extra.jitter ? [ms, size] : null,
    p95: extra.p95 ? [wide ? Float64Array : Uint32Array, size] : null,
  };
}

function columnsFor(size: number, extra: Extra, wide: boolean): BucketColumns {
  const key = `buckets:${size}:${extra.p95 ? 'p' : ''}${extra.jitter ? 'j' : ''}:${wide ? 'w' : 'n'}`;
  return sharedColumnsOf(key, () => layoutOf(size, extra, wide));
}

/** A ring with its columns over `from` (a new zeroed buffer by default) and the given latency column. */
function ring(
  spanMs: number,
  size: number,
  extra: Extra,
  wide: boolean,
  latency: number[][] | null,
  from?: ArrayBufferLike,
): BucketRing {
  const columns = columnsFor(size, extra, wide);
  return { spanMs, wide, view: viewFor(columns, from), columns, latency };
}

/** Slots in the ring. */
export function sizeOf(b: BucketRing): number {
  return b.columns.keys.length;
}

function extraOf(b: BucketRing): Extra {
  return { p95: b.columns.p95 !== null, latency: b.latency !== null, jitter: b.columns.sloJitterMs !== null };
}

/** Switches `b` to the wide layout, values unchanged (mutates the ring). */
function widen(b: BucketRing): void {
  const w = ring(b.spanMs, sizeOf(b), extraOf(b), true, b.latency);
  copyColumns(b, w, NAMES_BUT_P95);
  if (w.columns.p95) for (let i = 0; i < sizeOf(b); i++) w.columns.p95.set(w.view, i, p95At(b, i));
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

/** A p95 (ms; NaN: not known) as a narrow cell, or null when a narrow cell cannot hold it exactly. */
function narrowP95(ms: number): number | null {
  if (Number.isNaN(ms)) return 0;
  const cell = Math.round(ms * 10) + 1;
  return fitsNarrow(cell, NARROW_MS_MAX) && (cell - 1) / 10 === ms ? cell : null;
}

/** The p95 (ms) in slot `i` of the hour ring, NaN when not known. */
export function p95At(b: BucketRing, i: number): number {
  const c = b.columns.p95;
  if (!c) return NaN;
  const v = c.get(b.view, i);
  return b.wide ? v : v === 0 ? NaN : (v - 1) / 10;
}

/** Sets the p95 (ms; NaN: not known) in slot `i`, widening the ring first if it must. */
function putP95(b: BucketRing, i: number, ms: number): void {
  if (!b.columns.p95) return;
  let cell = b.wide ? ms : narrowP95(ms);
  if (cell === null) {
    widen(b);
    cell = ms;
  }
  b.columns.p95!.set(b.view, i, cell);
}

/** Element `i` of column `c` of `b`, or `absent` when the ring has no such column. */
export function cell(b: BucketRing, c: Column | null, i: number, absent = 0): number {
  return c ? c.get(b.view, i) : absent;
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
  b.columns.keys.fill(b.view, -1);
  return b;
}

export function cloneBuckets(b: BucketRing): BucketRing {
  // Histograms are replaced, never changed in place, so the copy can share them.
  const latency = b.latency ? b.latency.slice() : null;
  return ring(b.spanMs, sizeOf(b), extraOf(b), b.wide, latency, b.view.buffer.slice(0));
}

export function keyOf(b: BucketRing, at: number): number {
  return Math.floor(at / b.spanMs);
}

/** The slot holding bucket `key`, or -1. */
export function slotOfKey(b: BucketRing, key: number): number {
  const slot = key % sizeOf(b);
  return b.columns.keys.get(b.view, slot) === key ? slot : -1;
}

/** The slot for bucket `key`, emptied if it held an older bucket; -1 if `key` is too old to keep. */
function claim(b: BucketRing, key: number): number {
  const { view: v, columns: c } = b;
  const slot = key % sizeOf(b);
  const held = c.keys.get(v, slot);
  if (held === key) return slot;
  if (held > key) return -1;
  c.keys.set(v, slot, key);
  c.rounds.set(v, slot, 0);
  for (let l = 0; l < LAYER_STRIDE; l++) c.failed.set(v, slot * LAYER_STRIDE + l, 0);
  c.sloMs.set(v, slot, 0);
  c.sloBadMs.set(v, slot, 0);
  c.sloJitterMs?.set(v, slot, 0);
  putP95(b, slot, NaN);
  if (b.latency) b.latency[slot] = NO_LATENCY;
  return slot;
}

/** Adds one round judged outside maintenance (mutates the ring: call it on a clone). */
export function addToBuckets(b: BucketRing, at: number, e: BucketEntry): void {
  const slot = claim(b, keyOf(b, at));
  if (slot < 0) return;
  const failedAt = slot * LAYER_STRIDE + e.failedLayer;
  fitCount(b, b.columns.rounds.get(b.view, slot) + 1);
  if (e.failedLayer >= 0) fitCount(b, b.columns.failed.get(b.view, failedAt) + 1);
  // After fitting: widening replaces the view and the columns.
  b.columns.rounds.add(b.view, slot, 1);
  if (e.failedLayer >= 0) b.columns.failed.add(b.view, failedAt, 1);
  if (b.latency && e.latencyMs !== null)
    b.latency[slot] = withSample(b.latency[slot]!, bucketOf(e.latencyMs));
}

/** A copy of a day's sorted cells with one more sample in `bucket`. */
function withSample(cells: readonly number[], bucket: number): number[] {
  const out = cells.slice();
  let j = 0;
  while (j < out.length && bucketOfCell(out[j]!) < bucket) j++;
  if (j < out.length && bucketOfCell(out[j]!) === bucket) out[j]! += 1;
  else out.splice(j, 0, bucket * CELL + 1);
  return out;
}

/** A day's histogram as sorted [bucket, count, ...] pairs (the stored format, codec.ts). */
export function latencyPairs(cells: readonly number[]): number[] {
  return cells.flatMap((cell) => [bucketOfCell(cell), countOfCell(cell)]);
}

/** Sorted cells of [bucket, count, ...] pairs (any order; a bucket given twice adds up). */
function cellsOf(pairs: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (let j = 0; j + 1 < pairs.length; j += 2)
    counts.set(pairs[j]!, (counts.get(pairs[j]!) ?? 0) + pairs[j + 1]!);
  return [...counts]
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([bucket, n]) => bucket * CELL + n);
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
  const jitterMs = unavailable && jitter && b.columns.sloJitterMs ? ms : 0;
  fitTime(b, b.columns.sloMs.get(b.view, slot) + ms);
  if (unavailable) fitTime(b, b.columns.sloBadMs.get(b.view, slot) + ms);
  if (jitterMs !== 0) fitTime(b, b.columns.sloJitterMs!.get(b.view, slot) + jitterMs);
  // After fitting: widening replaces the view and the columns.
  const { view: v, columns: c } = b;
  c.sloMs.add(v, slot, ms);
  if (!unavailable) return;
  c.sloBadMs.add(v, slot, ms);
  if (jitterMs !== 0) c.sloJitterMs!.add(v, slot, ms);
}

/** Sets the p95 of a completed hour. */
export function setP95(b: BucketRing, key: number, p95: number | null): void {
  const slot = slotOfKey(b, key);
  if (slot >= 0) putP95(b, slot, p95 ?? NaN);
}

/** The p95 of the hour `key`: NaN when the ring does not hold it or it is not known. */
export function p95Of(b: BucketRing, key: number): number {
  const slot = slotOfKey(b, key);
  return slot >= 0 ? p95At(b, slot) : NaN;
}

/** Buckets `endKey - count < key <= endKey`. */
export function tallyBuckets(b: BucketRing, end: number, count: number): Tally {
  const { view: v, columns: c } = b;
  const t = emptyTally();
  const endKey = keyOf(b, end);
  for (let key = endKey - count + 1; key <= endKey; key++) {
    const slot = slotOfKey(b, key);
    if (slot < 0) continue;
    t.rounds += c.rounds.get(v, slot);
    for (let l = 0; l < LAYER_STRIDE; l++) {
      const n = c.failed.get(v, slot * LAYER_STRIDE + l);
      t.failed += n;
      t.failedByLayer[l]! += n;
    }
    t.sloMs += c.sloMs.get(v, slot);
    t.sloBadMs += c.sloBadMs.get(v, slot);
    t.sloJitterMs += cell(b, c.sloJitterMs, slot);
  }
  return t;
}

/** The merged latency histogram of buckets `fromKey..toKey` (inclusive). */
export function histogramOver(b: BucketRing, fromKey: number, toKey: number): Histogram {
  const h: Histogram = {};
  for (let key = fromKey; key <= toKey; key++) {
    const slot = slotOfKey(b, key);
    const cells = slot >= 0 ? b.latency?.[slot] : undefined;
    if (!cells) continue;
    for (const cell of cells) {
      const bucket = bucketOfCell(cell);
      h[bucket] = (h[bucket] ?? 0) + countOfCell(cell);
    }
  }
  return h;
}

/** Occupied slots, oldest bucket first. */
export function slotsByKey(b: BucketRing): number[] {
  const keys = b.columns.keys.values(b.view);
  const slots: number[] = [];
  keys.forEach((key, slot) => {
    if (key >= 0) slots.push(slot);
  });
  return slots.sort((x, y) => keys[x]! - keys[y]!);
}

export interface BucketValues {
  rounds: number;
  failed: number[];
  sloMs: number;
  sloBadMs: number;
  sloJitterMs: number;
  p95: number | null;
  /** Day ring: the day's latency histogram as [bucket, count, ...] pairs. */
  latency: number[];
}

/** Puts a whole bucket back (deserialisation); a bucket older than the ring holds is dropped. */
export function putBucket(b: BucketRing, key: number, v: BucketValues): void {
  const slot = claim(b, key);
  if (slot < 0) return;
  const failed = Array.from({ length: LAYER_STRIDE }, (_, l) => v.failed[l] ?? 0);
  for (const n of [v.rounds, ...failed]) fitCount(b, n);
  for (const ms of [v.sloMs, v.sloBadMs, b.columns.sloJitterMs ? v.sloJitterMs : 0]) fitTime(b, ms);
  // After fitting: widening replaces the view and the columns.
  const { view, columns: c } = b;
  c.rounds.set(view, slot, v.rounds);
  for (let l = 0; l < LAYER_STRIDE; l++) c.failed.set(view, slot * LAYER_STRIDE + l, failed[l]!);
  c.sloMs.set(view, slot, v.sloMs);
  c.sloBadMs.set(view, slot, v.sloBadMs);
  c.sloJitterMs?.set(view, slot, v.sloJitterMs);
  putP95(b, slot, v.p95 ?? NaN);
  if (b.latency) b.latency[slot] = v.latency.length ? cellsOf(v.latency) : NO_LATENCY;
}
