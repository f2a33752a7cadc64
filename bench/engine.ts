/**
 * Engine benchmark, on simulated time (no I/O):
 * - judged results/s: 1,000 servers, each with its own state, fed one result per 60 s slot (2% lone
 *   failures with their 15 s confirmation re-probe, latency varying), after an hour of warm-up so that
 *   every window is full; the figure counts the results observe() judged, once on copies of the
 *   states (observe's default) and once in place (the `inPlace` option, as the monitor judges);
 * - state size: the serialised length of a server's state after 30 days of the same traffic, and of
 *   the 1,000 states after the run; the memory a fresh state and a month-old state take (1,000 of
 *   each, after a GC): heapUsed + arrayBuffers, since the rings' typed arrays keep their data in
 *   ArrayBuffer backing stores outside the JS heap. The month-old copies are read with the rules
 *   given, as the monitor reads them (restore.ts), so they share one rules object;
 * - serialise + deserialise and summarize() of a month-old state.
 * Run directly: node --import tsx bench/engine.ts
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  createState,
  deserializeState,
  observe,
  serializeState,
  summarize,
  type EngineState,
} from '../src/engine/index.js';
import type { ProbeResult } from '../src/probe/types.js';
import { D, fail, M, ok, prng, rulesFor, S, T0 } from '../test/engine/helpers.js';
import { printTable, type BenchFigure } from './figure.js';
import { gcFunction } from './gc.js';

const SERVERS = 1_000;
const WARMUP_SLOTS = 60;
const TIMED_SLOTS = 180;

const GOOD: ProbeResult[] = [80, 95, 110, 130, 160].map((ms) => ok({ ms }));
const BAD = fail('transport', 'connect_timeout');

/** Feeds one 60 s slot (and its re-probe after a failure) to a state; returns the results judged. */
function slot(
  state: EngineState,
  at: number,
  rnd: () => number,
  inPlace = false,
): { state: EngineState; judged: number } {
  const failed = rnd() < 0.02;
  let s = observe(
    state,
    { at, results: [failed ? BAD : GOOD[Math.floor(rnd() * GOOD.length)]!] },
    { now: at, inPlace },
  ).state;
  if (!failed) return { state: s, judged: 1 };
  s = observe(s, { at: at + 15 * S, results: [GOOD[0]!] }, { now: at + 15 * S, inPlace }).state;
  return { state: s, judged: 2 };
}

function judgedPerSecond(inPlace = false): { perSecond: number; states: EngineState[] } {
  const rnd = prng(11);
  const states = Array.from({ length: SERVERS }, (_, i) => createState(rulesFor({ name: `server-${i}` })));
  const run = (from: number, slots: number): number => {
    let judged = 0;
    for (let n = 0; n < slots; n++) {
      const at = T0 + (from + n) * M;
      for (let i = 0; i < SERVERS; i++) {
        const r = slot(states[i]!, at + i * 60, rnd, inPlace);
        states[i] = r.state;
        judged += r.judged;
      }
    }
    return judged;
  };
  run(0, WARMUP_SLOTS);
  const start = performance.now();
  const judged = run(WARMUP_SLOTS, TIMED_SLOTS);
  return { perSecond: Math.round(judged / ((performance.now() - start) / 1000)), states };
}

function monthOld(): EngineState {
  const rnd = prng(12);
  let state = createState(rulesFor());
  for (let at = T0; at < T0 + 30 * D; at += M) state = slot(state, at, rnd).state;
  return state;
}

/**
 * heapUsed + arrayBuffers per value `make` returns (SERVERS of them), or null without gc. ArrayBuffer
 * backing stores are freed by a sweeper after the GC, so each reading collects until the figure settles.
 */
async function memoryPerState(make: () => EngineState): Promise<number | null> {
  const gc = gcFunction();
  if (!gc) return null;
  const used = async (): Promise<number> => {
    let last = Number.NaN;
    for (let n = 0; n < 20; n++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const m = process.memoryUsage();
      const now = m.heapUsed + m.arrayBuffers;
      if (Math.abs(now - last) < 4096) break;
      last = now;
    }
    return last;
  };
  const before = await used();
  const copies = Array.from({ length: SERVERS }, make);
  const after = await used();
  return copies.length > 0 ? Math.round((after - before) / copies.length) : null;
}

function microseconds(runs: number, f: () => unknown): number {
  for (let i = 0; i < 50; i++) f(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) f();
  return Math.round(((performance.now() - start) * 1000) / runs);
}

export async function benchEngine(): Promise<BenchFigure[]> {
  const { perSecond, states } = judgedPerSecond();
  const inPlace = judgedPerSecond(true).perSecond;
  const meanBytes = Math.round(states.reduce((n, s) => n + serializeState(s).length, 0) / states.length);
  const month = monthOld();
  const text = serializeState(month);
  const fresh = await memoryPerState(() => createState(month.rules));
  const old = await memoryPerState(() => deserializeState(text, month.rules));
  const now = month.memory.lastRoundAt ?? T0;
  const figures: BenchFigure[] = [
    {
      name: `results judged/s (${SERVERS.toLocaleString('en')} servers, windows full)`,
      value: perSecond,
      unit: 'results/s',
    },
    { name: 'results judged/s in place (as the monitor judges)', value: inPlace, unit: 'results/s' },
    { name: 'state, serialised, after 4 h', value: meanBytes, unit: 'bytes' },
    { name: 'state, serialised, after 30 days', value: text.length, unit: 'bytes' },
    {
      name: 'serialise + deserialise a 30-day state',
      value: microseconds(500, () => deserializeState(serializeState(month))),
      unit: 'µs',
    },
    { name: 'summarize() a 30-day state', value: microseconds(500, () => summarize(month, now)), unit: 'µs' },
  ];
  if (fresh !== null && old !== null)
    figures.splice(
      3,
      0,
      { name: 'state in memory (heap + array buffers), fresh', value: fresh, unit: 'bytes' },
      { name: 'state in memory (heap + array buffers), after 30 days', value: old, unit: 'bytes' },
    );
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable('engine benchmark', await benchEngine());
}
