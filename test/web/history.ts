/**
 * Fast synthetic history for tests and benchmarks: virtual probes every few minutes over N days,
 * folded straight into hour and day rollups (and minute rollups for the recent past) and inserted
 * in one transaction, instead of writing millions of raw rows through writeResults().
 */
import { LAYERS, type LayerName } from '../../src/probe/types.js';
import { bucketStart, emptyRollup, GRANULARITY_MS } from '../../src/store/rollup.js';
import type { Granularity, Rollup } from '../../src/store/store.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { record } from '../../src/util/histogram.js';

export interface HistoryOptions {
  region?: string;
  /** First virtual probe (inclusive) and end (exclusive), ms. */
  from: number;
  until: number;
  /** Minutes between virtual probes (default 1). */
  everyMinutes?: number;
  /** Failure probability at a time, and the layer that fails. */
  failRate: (at: number) => number;
  failLayer?: (at: number) => LayerName;
  /** Typical whole-probe latency in ms (default 120). */
  baseMs?: number;
  /** Keep minute rollups from this time on (default: none). */
  minutesFrom?: number;
  seed?: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SHARE: Record<LayerName, number> = {
  transport: 0.2,
  http: 0.25,
  initialize: 0.3,
  tools_list: 0.25,
  tool_call: 0,
};

export function syntheticRollups(server: string, o: HistoryOptions): Rollup[] {
  const rnd = random(o.seed ?? 7);
  const region = o.region ?? 'local';
  const step = (o.everyMinutes ?? 1) * 60_000;
  const base = o.baseMs ?? 120;
  const buckets = new Map<string, Rollup>();
  const at = (g: Granularity, t: number): Rollup => {
    const b = bucketStart(t, g);
    const key = `${g}:${b}`;
    let r = buckets.get(key);
    if (!r) buckets.set(key, (r = emptyRollup(server, region, g, b)));
    return r;
  };
  for (let t = o.from; t < o.until; t += step) {
    const targets = [at('hour', t), at('day', t)];
    if (o.minutesFrom !== undefined && t >= o.minutesFrom) targets.push(at('minute', t));
    const failed = rnd() < o.failRate(t);
    const layer = failed ? (o.failLayer?.(t) ?? 'transport') : null;
    const u = rnd();
    const ms = base * (u < 0.5 ? 0.8 + u : u < 0.95 ? 1.3 + u : 2 + 4 * u);
    for (const r of targets) {
      r.total += 1;
      if (layer) {
        r.failed += 1;
        r.failedByLayer[layer] += 1;
      } else record(r.latency, ms);
      const ran = layer ? LAYERS.slice(0, LAYERS.indexOf(layer)) : LAYERS;
      for (const l of ran) record(r.layerLatency[l], ms * SHARE[l]);
    }
  }
  return [...buckets.values()];
}

/** Inserts rollups as new rows (run before writeResults touches the same buckets; it merges later). */
export function insertRollups(store: SqliteStore, rows: readonly Rollup[]): void {
  // SQLite's importRollups does its work before it returns (its promise only reports the outcome).
  void store.importRollups(rows);
}

export const DAY_MS = GRANULARITY_MS.day;
