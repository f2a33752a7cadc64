/**
 * SLO accounting, by time rather than by probe count. A round stands for the time from it to the
 * next round (at most one interval, so a gap in monitoring counts neither way), credited when the
 * next round arrives; it is unavailable time when the round failed at a layer listed in
 * `slo.layers`. So an outage costs its minutes however often it is re-probed, and a lone failure
 * confirmed good 15 s later costs 15 s.
 *
 * Burn rate over a window = unavailable share of the window's time / (1 − target). Budget = the SLO
 * window's time × (1 − target): `budget` is that share (0.001 for 99.9%), `budgetMinutes` that time
 * (43.2 min over 30 days); `consumed` is the share of the budget spent, `consumedMinutes` its time.
 *
 * Two readings of the same windows:
 * - the SLO's own numbers (`sloSummary`: budget, consumed, remaining, burn rates, projected
 *   exhaustion) count every failure's time;
 * - the burn-rate alerting rules (fast burn P2, slow burn P3) read `alertingBurnRate`, which leaves
 *   out the time of isolated failures (jitter: a failed round whose previous and next rounds were
 *   good; record.ts): a lone failure followed by a success is recorded, never alerted. A failure is
 *   known to be isolated only when the good round after it arrives, which is also when its time is
 *   credited, so alerting never sees jitter time at all. (The fast burn also switches on only at a
 *   confirmed failure: judge.ts.)
 *
 * Minimum-sample guard: a burn rate can fire only when its window holds at least `slo.minSamples`
 * rounds and the share of its rounds the interval schedules that TUNING.rateCoverage asks (6 h:
 * 288 rounds at 60 s), so the first failure of a fresh server is not a 40× burn over "6 h".
 */
import { BURN_WINDOWS, type BurnWindowName, type ServerRules, type SloSummary } from './types.js';
import { MINUTE_MS } from './tuning.js';
import { round } from './format.js';
import type { RoundVerdict } from './quorum.js';
import type { Tally } from './tally.js';
import { minRounds, SPAN_MS, tallySpan, tallyWindow } from './windows.js';
import type { EngineState } from './state.js';

/** The time a round stands for: until the next round, capped at the interval. */
export function roundWeight(previousAt: number, nextAt: number, intervalMs: number): number {
  return Math.round(Math.min(Math.max(nextAt - previousAt, 0), intervalMs));
}

export function isUnavailable(v: RoundVerdict, rules: ServerRules): boolean {
  return v.failed && v.failure !== null && rules.slo.layers.includes(v.failure.layer);
}

function allowedShare(rules: ServerRules): number {
  return 1 - rules.slo.target / 100;
}

export function burnRate(t: Tally, rules: ServerRules): number | null {
  if (t.sloMs === 0) return null;
  return t.sloBadMs / t.sloMs / allowedShare(rules);
}

/** Burn rate as the alerting rules read it: the time of isolated failures (jitter) left out. */
export function alertingBurnRate(t: Tally, rules: ServerRules): number | null {
  if (t.sloMs === 0) return null;
  return (t.sloBadMs - t.sloJitterMs) / t.sloMs / allowedShare(rules);
}

/** Rounds a burn-rate window must hold before the rate can fire (the minimum-sample guard). */
export function burnGuard(rules: ServerRules, window: BurnWindowName): number {
  return Math.max(rules.slo.minSamples, minRounds(SPAN_MS[window], rules.intervalMs));
}

export function sloSummary(state: EngineState, now: number): SloSummary {
  const rules = state.rules;
  const budgetMs = rules.slo.windowMs * allowedShare(rules);
  const consumedMs = tallySpan(state, rules.slo.windowMs, now).sloBadMs;
  const remainingMs = Math.max(0, budgetMs - consumedMs);
  const burnRates = {} as Record<BurnWindowName, number | null>;
  for (const w of BURN_WINDOWS) {
    const rate = burnRate(tallyWindow(state, w, now), rules);
    burnRates[w] = rate === null ? null : round(rate, 3);
  }
  return {
    target: rules.slo.target,
    windowMs: rules.slo.windowMs,
    budget: round(allowedShare(rules), 6),
    consumed: budgetMs > 0 ? round(consumedMs / budgetMs, 6) : 0,
    budgetMinutes: round(budgetMs / MINUTE_MS, 4),
    consumedMinutes: round(consumedMs / MINUTE_MS, 4),
    remainingBudget: budgetMs > 0 ? round(remainingMs / budgetMs, 6) : 0,
    burnRates,
    projectedExhaustionAt: projectExhaustion(state, now, remainingMs),
  };
}

/** At the unavailable share of the last 6 h, when would the remaining budget be spent? */
function projectExhaustion(state: EngineState, now: number, remainingMs: number): number | null {
  if (remainingMs <= 0) return now;
  const t = tallySpan(state, SPAN_MS['6h'], now);
  if (t.sloMs === 0 || t.sloBadMs === 0) return null;
  return Math.round(now + remainingMs / (t.sloBadMs / t.sloMs));
}

export const FAST_BURN_PAIRS: readonly { long: BurnWindowName; short: BurnWindowName; factor: number }[] = [
  { long: '1h', short: '5m', factor: 14.4 },
  { long: '6h', short: '30m', factor: 6 },
];
export const SLOW_BURN_PAIR = { long: '3d', short: '6h', factor: 1 } as const;
