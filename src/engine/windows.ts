/**
 * Window names to rings: up to 1 h from the round-by-round ring (exact, sliding), up to 3 d from the
 * hour ring, beyond from the day ring (each: the bucket of the time judged and those before it).
 */
import { WINDOW_MS } from './types.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, TUNING } from './tuning.js';
import { tallyRecent } from './recent.js';
import { tallyBuckets } from './buckets.js';
import type { Tally } from './tally.js';
import type { EngineState } from './state.js';

export const SPAN_MS = {
  ...WINDOW_MS,
  '30m': 30 * MINUTE_MS,
  '6h': 6 * HOUR_MS,
  '3d': 3 * DAY_MS,
} as const;
export type SpanName = keyof typeof SPAN_MS;

/** The rounds of the `spanMs` before `at` (inclusive of `at`). */
export function tallySpan(state: EngineState, spanMs: number, at: number): Tally {
  if (spanMs <= HOUR_MS) return tallyRecent(state.recent, at, spanMs);
  if (spanMs <= 3 * DAY_MS) return tallyBuckets(state.hours, at, Math.ceil(spanMs / HOUR_MS));
  return tallyBuckets(state.days, at, Math.ceil(spanMs / DAY_MS));
}

export function tallyWindow(state: EngineState, name: SpanName, at: number): Tally {
  return tallySpan(state, SPAN_MS[name], at);
}

/** Rounds a window must hold before a rate over it may fire (see TUNING.rateCoverage). */
export function minRounds(spanMs: number, intervalMs: number): number {
  return Math.max(TUNING.rateMinRounds, Math.floor((TUNING.rateCoverage * spanMs) / intervalMs));
}
