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
 * is one buffer copy. Weights are whole ms (slo.ts `roundWeight` rounds them), held in 32 bits; the ring widens them
 * to doubles before one would not fit.
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
  at: Spec;
  /** ms the round stands for in the SLO: set when the next round arrives (see slo.ts). */
  weight: Spec;
  flags: Spec;
  /** The LATENCY_COLUMNS histogram bucket indices of a round (each < 256), packed in one number. */
  latency: Spec;
}
const NAMES = ['at', 'weight', 'flags', 'latency'] as const;

export type RecentColumns = Columns<RecentLayout>;

export interface RecentRing {
  capacity: number;
  /** Records held (≤ capacity). */
  size: number;
  /** Slot of the next record. */
  head: number;
  /** Whether `weight` is wide (Float64 rather than Uint32: columns.ts). */
  wide: boolean;
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

const ALL_EMPTY = packLatency(new Array<number>(LATENCY_COLUMNS).fill(NO_SAMPLE));

/** Six bucket indices (0..255) in one number: 48 bits, inside a double's exact integers (53). */
function packLatency(buckets: readonly number[]): number {
  let packed = 0;
  for (let c = LATENCY_COLUMNS - 1; c >= 0; c--) packed = packed * 256 + (buckets[c] ?? NO_SAMPLE);
  return packed;
}

function latencyBucket(packed: number, column: number): number {
  return Math.floor(packed / 256 ** column) % 256;
}

export function recentCapacity(intervalMs: number): number {
  return Math.min(2048, Math.max(64, Math.ceil((1.5 * HOUR_MS) / intervalMs) + 16));
}

function layoutOf(capacity: number, wide: boolean): RecentLayout {
  return {
    at: [Float64Array, capacity],
    weight: [wide ? Float64Array : Uint32Array, capacity],
    flags: [Uint8Array, capacity],
    latency: [Float64Array, capacity],
  };
}

function columnsFor(capacity: number, wide: boolean): RecentColumns {
  return sharedColumnsOf(`recent:${capacity}:${wide ? 'w' : 'n'}`, () => layoutOf(capacity, wide));
}

/** A ring with `r`'s counters and its columns over `from` (a new zeroed buffer by default). */
function ring(
  r: Pick<RecentRing, 'capacity' | 'size' | 'head' | 'wide'>,
  from?: ArrayBufferLike,
): RecentRing {
  const columns = columnsFor(r.capacity, r.wide);
  return {
    capacity: r.capacity,
    size: r.size,
    head: r.head,
    wide: r.wide,
    view: viewFor(columns, from),
    columns,
  };
}

export function createRecent(capacity: number): RecentRing {
  const r = ring({ capacity, size: 0, head: 0, wide: false });
  r.columns.latency.fill(r.view, ALL_EMPTY);
  return r;
}

export function cloneRecent(r: RecentRing): RecentRing {
  return ring(r, r.view.buffer.slice(0));
}

/** Widens `r` unless it is wide already or `weight` fits a narrow column (mutates the ring). */
function fitWeight(r: RecentRing, weight: number): void {
  if (r.wide || fitsNarrow(weight, NARROW_MS_MAX)) return;
  const w = ring({ ...r, wide: true });
  copyColumns(r, w, NAMES);
  Object.assign(r, w);
}

/** Time of the round in slot `i`. */
export function atOf(r: RecentRing, i: number): number {
  return r.columns.at.get(r.view, i);
}

/** Outcome flags of the round in slot `i` (FLAG). */
export function flagsOf(r: RecentRing, i: number): number {
  return r.columns.flags.get(r.view, i);
}

/** SLO weight (ms) of the round in slot `i`. */
export function weightOf(r: RecentRing, i: number): number {
  return r.columns.weight.get(r.view, i);
}

/** Packed latency buckets of the round in slot `i`. */
export function packedLatencyOf(r: RecentRing, i: number): number {
  return r.columns.latency.get(r.view, i);
}

/** Appends a round (mutates the ring: call it on a clone). */
export function pushRecent(r: RecentRing, e: RecentEntry): void {
  const i = r.head;
  fitWeight(r, e.weight);
  const { view: v, columns: c } = r;
  c.at.set(v, i, e.at);
  c.weight.set(v, i, e.weight);
  c.flags.set(v, i, e.flags);
  const buckets = [];
  for (let col = 0; col < LATENCY_COLUMNS; col++) {
    const ms = e.latencyMs?.[col] ?? null;
    buckets.push(ms === null ? NO_SAMPLE : Math.min(NO_SAMPLE - 1, bucketOf(ms)));
  }
  c.latency.set(v, i, packLatency(buckets));
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
    const b = latencyBucket(packedLatencyOf(r, i), column);
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
