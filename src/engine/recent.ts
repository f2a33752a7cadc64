/**
 * The last hour, round by round: a fixed ring of compact records (time, SLO weight, outcome flags,
 * among them whether a failure was isolated, and latency buckets). Windows up to an hour (5 m, 15 m,
 * 30 m, 1 h) are read from it exactly, sliding with the time judged, and so are the per-layer latency
 * percentiles.
 *
 * Capacity is 1.5 × the rounds the interval schedules in an hour, plus room for confirmation
 * re-probes; if rounds come faster than that, the oldest drop out and "1 h" covers less.
 *
 * Columns lie in one buffer, read through one DataView (columns.ts): copying the ring for a new state
 * is one buffer copy. While narrow, a round's time is held in 32 bits as whole ms after the ring's
 * `base` (an hour of rounds spans far less than the 49 days 32 bits hold; the base moves to the oldest
 * round held when a time would not fit after it), weights are whole ms (slo.ts `roundWeight` rounds
 * them) in 32 bits, and latency is one byte per bucket index: 13 bytes a round instead of 21. The ring
 * widens, whole, to doubles for times and weights before a value would not fit exactly.
 */
import { bucketOf, type Histogram } from '../util/histogram.js';
import { LAYERS } from '../probe/types.js';
import { HOUR_MS } from './tuning.js';
import { emptyTally, type Tally } from './tally.js';
import {
  copyColumns,
  fitsNarrow,
  NARROW_MS_MAX,
  sharedColumnsOf,
  viewFor,
  type Columns,
  type Spec,
} from './columns.js';

/** Latency columns per round: the whole probe, then each layer in LAYERS order. */
export const LATENCY_COLUMNS = 1 + LAYERS.length;
/** A latency cell without a sample. */
const NO_SAMPLE = 255;

/** Outcome flags of one round. */
export const FLAG = {
  /** Bits 0-2: 1 + index of the failed layer; 0 for a good round. */
  layerMask: 0b111,
  /** Taken during maintenance: left out of error rates and rules. */
  maintenance: 0b1000,
  /** Counted as unavailable in the SLO. */
  sloBad: 0b10000,
  /** Left out of the SLO (maintenance with excludeFromSlo). */
  sloExcluded: 0b100000,
  /**
   * An isolated failure (jitter): set on a failed round when the good round after it arrives and the
   * round before it was good too (record.ts). Its SLO time is left out of burn-rate alerting.
   */
  jitter: 0b1000000,
} as const;

interface RecentLayout {
  /** Narrow: whole ms after the ring's base; wide: the time itself. */
  at: Spec;
  /** ms the round stands for in the SLO: set when the next round arrives (see slo.ts). */
  weight: Spec;
  flags: Spec;
  /** LATENCY_COLUMNS per round: the histogram bucket index of each (< 256). */
  latency: Spec;
}
/** The columns a widening copies as they are (`at` is converted). */
const NAMES_BUT_AT = ['weight', 'flags', 'latency'] as const;

export type RecentColumns = Columns<RecentLayout>;

export interface RecentRing {
  capacity: number;
  /** Records held (≤ capacity). */
  size: number;
  /** Slot of the next record. */
  head: number;
  /** Whether `at` and `weight` are wide (Float64 rather than Uint32: columns.ts). */
  wide: boolean;
  /** Narrow: the time `at` counts from (0 when wide). */
  base: number;
  /** The ring's buffer: every column lies in it. */
  view: DataView;
  /** Where each column lies (shared by all rings of this layout). */
  columns: RecentColumns;
}

export interface RecentEntry {
  at: number;
  weight: number;
  flags: number;
  /** ms per latency column, null where there is no sample. */
  latencyMs: (number | null)[] | null;
}

/** Six bucket indices (0..255) in one number, the stored form (codec.ts): 48 bits, exact in a double. */
function packLatency(buckets: readonly number[]): number {
  let packed = 0;
  for (let c = LATENCY_COLUMNS - 1; c >= 0; c--) packed = packed * 256 + (buckets[c] ?? NO_SAMPLE);
  return packed;
}

export function recentCapacity(intervalMs: number): number {
  return Math.min(2048, Math.max(64, Math.ceil((1.5 * HOUR_MS) / intervalMs) + 16));
}

function layoutOf(capacity: number, wide: boolean): RecentLayout {
  return {
    at: [wide ? Float64Array : Uint32Array, capacity],
    weight: [wide ? Float64Array : Uint32Array, capacity],
    flags: [Uint8Array, capacity],
    latency: [Uint8Array, capacity * LATENCY_COLUMNS],
  };
}

function columnsFor(capacity: number, wide: boolean): RecentColumns {
  return sharedColumnsOf(`recent:${capacity}:${wide ? 'w' : 'n'}`, () => layoutOf(capacity, wide));
}

/** A ring with `r`'s counters and its columns over `from` (a new zeroed buffer by default). */
function ring(
  r: Pick<RecentRing, 'capacity' | 'size' | 'head' | 'wide' | 'base'>,
  from?: ArrayBufferLike,
): RecentRing {
  const columns = columnsFor(r.capacity, r.wide);
  return {
    capacity: r.capacity,
    size: r.size,
    head: r.head,
    wide: r.wide,
    base: r.base,
    view: viewFor(columns, from),
    columns,
  };
}

export function createRecent(capacity: number): RecentRing {
  const r = ring({ capacity, size: 0, head: 0, wide: false, base: 0 });
  r.columns.latency.fill(r.view, NO_SAMPLE);
  return r;
}

export function cloneRecent(r: RecentRing): RecentRing {
  return ring(r, r.view.buffer.slice(0));
}

/** Switches `r` to the wide layout, values unchanged (mutates the ring). */
function widen(r: RecentRing): void {
  const w = ring({ ...r, wide: true, base: 0 });
  copyColumns(r, w, NAMES_BUT_AT);
  for (let k = 1; k <= r.size; k++) w.columns.at.set(w.view, slotOf(r, k), atOf(r, slotOf(r, k)));
  Object.assign(r, w);
}

/** Widens `r` unless it is wide already or `weight` fits a narrow column (mutates the ring). */
function fitWeight(r: RecentRing, weight: number): void {
  if (!r.wide && !fitsNarrow(weight, NARROW_MS_MAX)) widen(r);
}

/** Whether time `at` is held exactly as whole ms after `base` in a narrow column. */
function fitsAfter(at: number, base: number): boolean {
  return fitsNarrow(at - base, NARROW_MS_MAX) && base + (at - base) === at;
}

/**
 * Makes room for time `at` (mutates the ring): a narrow ring that cannot hold it after its base
 * moves the base to the oldest time held (or `at`, if older), and widens if even that cannot hold
 * every time exactly.
 */
function fitAt(r: RecentRing, at: number): void {
  if (r.wide) return;
  if (r.size === 0) {
    r.base = at;
    if (!fitsAfter(at, at)) widen(r);
    return;
  }
  if (fitsAfter(at, r.base)) return;
  const held = Array.from({ length: r.size }, (_, k) => atOf(r, slotOf(r, k + 1)));
  const base = Math.min(at, ...held);
  if (!fitsAfter(at, base) || !held.every((t) => fitsAfter(t, base))) return widen(r);
  held.forEach((t, k) => r.columns.at.set(r.view, slotOf(r, k + 1), t - base));
  r.base = base;
}

/** Time of the round in slot `i`. */
export function atOf(r: RecentRing, i: number): number {
  return r.base + r.columns.at.get(r.view, i);
}

/** Outcome flags of the round in slot `i` (FLAG). */
export function flagsOf(r: RecentRing, i: number): number {
  return r.columns.flags.get(r.view, i);
}

/** SLO weight (ms) of the round in slot `i`. */
export function weightOf(r: RecentRing, i: number): number {
  return r.columns.weight.get(r.view, i);
}

/** Histogram bucket index of latency column `column` of the round in slot `i` (NO_SAMPLE: none). */
function latencyBucket(r: RecentRing, i: number, column: number): number {
  return r.columns.latency.get(r.view, i * LATENCY_COLUMNS + column);
}

/** Latency buckets of the round in slot `i`, packed in one number (the stored form: codec.ts). */
export function packedLatencyOf(r: RecentRing, i: number): number {
  const buckets = [];
  for (let c = 0; c < LATENCY_COLUMNS; c++) buckets.push(latencyBucket(r, i, c));
  return packLatency(buckets);
}

/** Sets the latency buckets of the round in slot `i` from their packed form (mutates the ring). */
export function setPackedLatency(r: RecentRing, i: number, packed: number): void {
  for (let c = 0, p = packed; c < LATENCY_COLUMNS; c++, p = Math.floor(p / 256))
    r.columns.latency.set(r.view, i * LATENCY_COLUMNS + c, p % 256);
}

/** Appends a round (mutates the ring: call it on a clone). */
export function pushRecent(r: RecentRing, e: RecentEntry): void {
  const i = r.head;
  fitWeight(r, e.weight);
  fitAt(r, e.at);
  // After fitting: widening replaces the view and the columns.
  const { view: v, columns: c } = r;
  c.at.set(v, i, e.at - r.base);
  c.weight.set(v, i, e.weight);
  c.flags.set(v, i, e.flags);
  for (let col = 0; col < LATENCY_COLUMNS; col++) {
    const ms = e.latencyMs?.[col] ?? null;
    c.latency.set(
      v,
      i * LATENCY_COLUMNS + col,
      ms === null ? NO_SAMPLE : Math.min(NO_SAMPLE - 1, bucketOf(ms)),
    );
  }
  r.head = (i + 1) % r.capacity;
  r.size = Math.min(r.size + 1, r.capacity);
}

/** Gives the newest record the time until the round after it (mutates: call it on a clone). */
export function creditNewest(r: RecentRing, ms: number): void {
  if (r.size === 0) return;
  const i = slotOf(r, 1);
  fitWeight(r, weightOf(r, i) + ms);
  r.columns.weight.add(r.view, i, ms);
}

/** Marks the newest record an isolated failure (mutates: call it on a clone). */
export function markNewestJitter(r: RecentRing): void {
  if (r.size === 0) return;
  const i = slotOf(r, 1);
  r.columns.flags.set(r.view, i, flagsOf(r, i) | FLAG.jitter);
}

/** Whether the newest record is a failed round judged outside maintenance. */
export function newestFailed(r: RecentRing): boolean {
  return r.size > 0 && failed(flagsOf(r, slotOf(r, 1)));
}

/** Slot of the k-th newest record (k = 1 is the newest). */
export function slotOf(r: RecentRing, k: number): number {
  return (r.head - k + r.capacity) % r.capacity;
}

/** The slots holding records newer than `since`, oldest first. */
export function slotsSince(r: RecentRing, since: number): number[] {
  const out: number[] = [];
  for (let k = r.size; k >= 1; k--) if (atOf(r, slotOf(r, k)) > since) out.push(slotOf(r, k));
  return out;
}

function failed(flags: number): boolean {
  return (flags & FLAG.layerMask) !== 0 && (flags & FLAG.maintenance) === 0;
}

/** Rounds with `end - spanMs < at <= end`. */
export function tallyRecent(r: RecentRing, end: number, spanMs: number): Tally {
  const t = emptyTally();
  for (let k = 1; k <= r.size; k++) {
    const i = slotOf(r, k);
    const at = atOf(r, i);
    if (at <= end - spanMs) break;
    if (at > end) continue;
    const flags = flagsOf(r, i);
    const w = weightOf(r, i);
    t.sloMs += w;
    if (flags & FLAG.sloBad) {
      t.sloBadMs += w;
      if (flags & FLAG.jitter) t.sloJitterMs += w;
    }
    if (flags & FLAG.maintenance) continue;
    t.rounds += 1;
    const layer = flags & FLAG.layerMask;
    if (layer !== 0) {
      t.failed += 1;
      t.failedByLayer[layer - 1]! += 1;
    }
  }
  return t;
}

/** Latency samples of one column over the same window as tallyRecent. */
export function windowHistogram(r: RecentRing, column: number, end: number, spanMs: number): Histogram {
  return histogram(
    r,
    column,
    (at) => at <= end - spanMs,
    (at) => at <= end,
  );
}

/** Latency samples of one column for the rounds of one UTC hour (`floor(at / 1 h) === hourKey`). */
export function hourHistogram(r: RecentRing, column: number, hourKey: number): Histogram {
  return histogram(
    r,
    column,
    (at) => Math.floor(at / HOUR_MS) < hourKey,
    (at) => Math.floor(at / HOUR_MS) === hourKey,
  );
}

function histogram(
  r: RecentRing,
  column: number,
  stop: (at: number) => boolean,
  keep: (at: number) => boolean,
): Histogram {
  const h: Histogram = {};
  for (let k = 1; k <= r.size; k++) {
    const i = slotOf(r, k);
    const at = atOf(r, i);
    if (stop(at)) break;
    if (!keep(at)) continue;
    const b = latencyBucket(r, i, column);
    if (b !== NO_SAMPLE) h[b] = (h[b] ?? 0) + 1;
  }
  return h;
}

/** The oldest failed round (maintenance left out) with `at > since`, or null. */
export function earliestFailureSince(r: RecentRing, since: number): number | null {
  let earliest: number | null = null;
  for (let k = 1; k <= r.size; k++) {
    const i = slotOf(r, k);
    if (atOf(r, i) <= since) break;
    if (failed(flagsOf(r, i))) earliest = atOf(r, i);
  }
  return earliest;
}

/** Failed rounds (maintenance left out) with `at >= from`. */
export function failuresFrom(r: RecentRing, from: number): number {
  let n = 0;
  for (let k = 1; k <= r.size; k++) {
    const i = slotOf(r, k);
    if (atOf(r, i) < from) break;
    if (failed(flagsOf(r, i))) n += 1;
  }
  return n;
}
