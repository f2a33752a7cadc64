/**
 * The state as text, for the store: compact JSON. Rings are written as columns over their occupied
 * slots (times as deltas, packed latency in base 36), and of the round-by-round ring only the last
 * hour, the most any window reads from it; so a server with a month of history takes a few KB.
 * Reading rebuilds the rings at the sizes the rules ask for, so `deserializeState(s, newRules)` also
 * applies a config change (a longer SLO window, another interval).
 *
 * Format 1 still: the jitter bookkeeping (the round flag FLAG.jitter, the hour ring's `sloJitterMs`)
 * was added without a bump because both directions read it correctly. A state written before it has
 * no jitter recorded (its isolated failures of the last 3 days count in burn-rate alerting until they
 * age out: the conservative side); an older reader ignores the column and the flag bit.
 *
 * Format 2 added the fifth layer, tool_call: five failed columns per bucket instead of four, and six
 * packed latency cells per round instead of five. Format 1 is still read (converted: its rounds have
 * no tool_call sample); an older reader refuses format 2 and starts that server's windows afresh.
 */
import type { ServerRules } from './types.js';
import { createState, type EngineState } from './state.js';
import { LAYERS } from '../probe/types.js';
import {
  atOf,
  flagsOf,
  LATENCY_COLUMNS,
  packedLatencyOf,
  pushRecent,
  setPackedLatency,
  slotOf,
  slotsSince,
  weightOf,
  type RecentRing,
} from './recent.js';
import { HOUR_MS } from './tuning.js';
import type { Column } from './columns.js';
import { LAYER_STRIDE, latencyPairs, p95At, putBucket, slotsByKey, type BucketRing } from './buckets.js';

const FORMAT = 2;
/** Layers per bucket and latency cells per round in format 1. */
const V1 = { layers: 4, cells: 5 } as const;
/** A latency cell without a sample (recent.ts). */
const NO_SAMPLE = 255;

interface RecentColumns {
  at: number[];
  weight: number[];
  flags: number[];
  /** Packed latency buckets (recent.ts) in base 36. */
  latency: string[];
}

interface BucketColumns {
  key: number[];
  rounds: number[];
  /** Failed rounds by layer, sparse: [bucket index × LAYER_STRIDE + layer, count, ...] for the non-zero ones. */
  failed: number[];
  sloMs: number[];
  sloBadMs: number[];
  /** Hour ring: jitter time, sparse: [bucket index, ms, ...] for the non-zero ones. */
  sloJitterMs?: number[];
  p95?: (number | null)[];
  /** Flattened [bucket, count, bucket, count, ...] per day. */
  latency?: number[][];
}

type Serialized = Omit<EngineState, 'recent' | 'hours' | 'days'> & {
  recent: RecentColumns;
  hours: BucketColumns;
  days: BucketColumns;
};

export function serializeState(s: EngineState): string {
  const out: Serialized = {
    ...s,
    v: FORMAT,
    recent: recentColumns(s.recent),
    hours: bucketColumns(s.hours),
    days: bucketColumns(s.days),
  };
  return JSON.stringify(out);
}

/** Reads a serialised state; `rules` (the current config) replaces the stored rules when given. */
export function deserializeState(text: string, rules?: ServerRules): EngineState {
  const data = JSON.parse(text) as Omit<Serialized, 'v'> & { v: number };
  if (data?.v !== FORMAT && data?.v !== 1) throw new Error(`engine state: unknown format ${String(data?.v)}`);
  const stride = data.v === 1 ? V1.layers : LAYER_STRIDE;
  const fresh = createState(rules ?? data.rules);
  const s: EngineState = {
    ...fresh,
    memory: data.memory,
    maintenance: data.maintenance,
    triggers: data.triggers,
    incident: data.incident,
    warnings: data.warnings,
  };
  restoreRecent(s.recent, data.recent, data.v === 1);
  restoreBuckets(s.hours, data.hours, stride);
  restoreBuckets(s.days, data.days, stride);
  return s;
}

function deltas(xs: number[]): number[] {
  return xs.map((x, i) => (i === 0 ? x : x - xs[i - 1]!));
}

function undeltas(ds: number[]): number[] {
  let acc = 0;
  return ds.map((d) => (acc += d));
}

function recentColumns(r: RecentRing): RecentColumns {
  const newest = r.size > 0 ? atOf(r, slotOf(r, 1)) : 0;
  const slots = slotsSince(r, newest - HOUR_MS);
  return {
    at: deltas(slots.map((i) => atOf(r, i))),
    weight: slots.map((i) => weightOf(r, i)),
    flags: slots.map((i) => flagsOf(r, i)),
    latency: slots.map((i) => packedLatencyOf(r, i).toString(36)),
  };
}

function restoreRecent(r: RecentRing, c: RecentColumns, v1: boolean): void {
  // Format 1 packed five cells: the cells it lacks get "no sample".
  let missing = 0;
  if (v1) for (let cell = V1.cells; cell < LATENCY_COLUMNS; cell++) missing += NO_SAMPLE * 256 ** cell;
  undeltas(c.at).forEach((at, n) => {
    pushRecent(r, { at, weight: c.weight[n]!, flags: c.flags[n]!, latencyMs: null });
    // The latency cells are packed bucket indices already: put them back as they were.
    setPackedLatency(r, slotOf(r, 1), parseInt(c.latency[n]!, 36) + missing);
  });
}

function bucketColumns(b: BucketRing): BucketColumns {
  const slots = slotsByKey(b);
  const { keys, rounds, failed, sloMs, sloBadMs, sloJitterMs: jitter, p95 } = b.columns;
  const at = (column: Column, i: number) => column.get(b.view, i);
  const c: BucketColumns = {
    key: deltas(slots.map((i) => at(keys, i))),
    rounds: slots.map((i) => at(rounds, i)),
    failed: slots.flatMap((i, n) =>
      LAYERS.flatMap((_, l) => {
        const count = at(failed, i * LAYER_STRIDE + l);
        return count ? [n * LAYER_STRIDE + l, count] : [];
      }),
    ),
    sloMs: slots.map((i) => at(sloMs, i)),
    sloBadMs: slots.map((i) => at(sloBadMs, i)),
  };
  if (jitter) c.sloJitterMs = slots.flatMap((i, n) => (at(jitter, i) ? [n, at(jitter, i)] : []));
  if (p95) c.p95 = slots.map((i) => (Number.isNaN(p95At(b, i)) ? null : p95At(b, i)));
  const latency = b.latency;
  if (latency) c.latency = slots.map((i) => latencyPairs(latency[i]!));
  return c;
}

function restoreBuckets(b: BucketRing, c: BucketColumns, stride: number): void {
  const failed = new Array<number>(c.key.length * LAYER_STRIDE).fill(0);
  for (let j = 0; j < c.failed.length; j += 2) {
    const index = c.failed[j]!;
    failed[Math.floor(index / stride) * LAYER_STRIDE + (index % stride)] = c.failed[j + 1]!;
  }
  const jitter = new Array<number>(c.key.length).fill(0);
  const pairs = c.sloJitterMs ?? [];
  for (let j = 0; j < pairs.length; j += 2) jitter[pairs[j]!] = pairs[j + 1]!;
  undeltas(c.key).forEach((key, n) => {
    putBucket(b, key, {
      rounds: c.rounds[n]!,
      failed: failed.slice(n * LAYER_STRIDE, (n + 1) * LAYER_STRIDE),
      sloMs: c.sloMs[n]!,
      sloBadMs: c.sloBadMs[n]!,
      sloJitterMs: jitter[n]!,
      p95: c.p95?.[n] ?? null,
      latency: c.latency?.[n] ?? [],
    });
  });
}
