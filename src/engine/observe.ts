/**
 * The engine's entry points: `observe` judges one round, `tick` lets time alone move things
 * (a certificate expiring, a warning's quiet period ending, a maintenance window opening or
 * closing). Both are pure: they return a new state and the events to act on.
 */
import type { EngineEvent, Incident, MaintenanceWindow, ObserveContext, Round } from './types.js';
import { cloneState, type EngineState } from './state.js';
import { judgeRound, type RoundVerdict } from './quorum.js';
import { recordRound } from './record.js';
import { rememberRound } from './memory.js';
import { judgeToolChange } from './drift.js';
import { baselineFor, trendFor } from './latency.js';
import { factsAt } from './facts.js';
import { applyRules } from './judge.js';
import { advance, rememberIncidents, type Cause } from './lifecycle.js';
import { enterOrLeave, maintenanceFor } from './maintenance.js';
import { earliestFailureSince, failuresFrom } from './recent.js';
import type { Rule } from './rules/index.js';
import { DAY_MS, HOUR_MS, TUNING } from './tuning.js';
import { SPAN_MS } from './windows.js';

export interface ObserveResult {
  state: EngineState;
  events: EngineEvent[];
  /** The incident this call changed (still open, or just resolved): the one to persist. */
  incident: Incident | null;
}

/** How far back a failure still explains an incident opened now (its layer, code, first failure). */
const FAILURE_LOOKBACK_MS = SPAN_MS['15m'];

export function observe(state: EngineState, round: Round, ctx: ObserveContext): ObserveResult {
  const verdict = judgeRound(round, state.rules);
  const before = state.incident;
  const s = ctx.inPlace ? state : cloneState(state);
  const events: EngineEvent[] = [];
  const maintenance = maintenanceFor(ctx.maintenance, s.rules.name, round.at);
  enterOrLeave(s, maintenance, ctx.now);
  if (verdict === null) return finish(before, s, events);

  const late = s.memory.lastRoundAt !== null && verdict.at < s.memory.lastRoundAt;
  recordRound(s, verdict, maintenance);
  if (late) return finish(before, s, events);

  s.memory = rememberRound(s.memory, verdict, s.rules, maintenance !== null);
  if (ctx.tools) noteToolChange(s, ctx.tools, verdict.at);
  refreshLatency(s, verdict.at);

  const selected = (r: Rule): boolean =>
    maintenance === null || (r.severity === 'P3' && r.timeDriven === true);
  judgeAndAdvance(s, verdict, ctx.now, selected, events);
  return finish(before, s, events);
}

export function tick(
  state: EngineState,
  now: number,
  ctx: Pick<ObserveContext, 'maintenance' | 'inPlace'> = {},
): ObserveResult {
  const before = state.incident;
  const s = ctx.inPlace ? state : cloneState(state);
  const events: EngineEvent[] = [];
  const maintenance = maintenanceFor(ctx.maintenance, s.rules.name, now);
  enterOrLeave(s, maintenance, now);
  const selected = (r: Rule): boolean =>
    r.timeDriven === true && (maintenance === null || r.severity === 'P3');
  judgeAndAdvance(s, null, now, selected, events);
  return finish(before, s, events);
}

export function judgeAndAdvance(
  s: EngineState,
  round: RoundVerdict | null,
  now: number,
  selected: (r: Rule) => boolean,
  events: EngineEvent[],
): void {
  const at = round?.at ?? now;
  const outcome = applyRules(s, factsAt(s, at), now, selected);
  events.push(...outcome.events);
  if (s.maintenance !== null) return;
  if (s.triggers.length > 0) s.memory = { ...s.memory, lastTriggerAt: at };
  const step = advance(s.incident, {
    server: s.rules.name,
    now,
    round,
    activated: outcome.activated,
    cleared: outcome.cleared,
    triggers: s.triggers,
    memory: s.memory,
    rules: s.rules,
    cause: () => causeAt(s, at, round),
  });
  s.incident = step.incident;
  s.memory = rememberIncidents(s.memory, step.events, now);
  events.push(...step.events);
}

/**
 * What explains an incident opened at `at`: this round's failure or one of the last 15 minutes, the
 * first failed round of the current run (or of those 15 minutes, if earlier), and the count since.
 */
function causeAt(s: EngineState, at: number, round: RoundVerdict | null): Cause {
  const last = s.memory.lastFailure;
  const failure = round?.failed ? round.failure : last && at - last.at < FAILURE_LOOKBACK_MS ? last : null;
  const inWindow = earliestFailureSince(s.recent, at - FAILURE_LOOKBACK_MS);
  const run = s.memory.failRunStart;
  const first = inWindow === null ? run : run === null ? inWindow : Math.min(run, inWindow);
  return { failure, firstFailureAt: first, failedProbes: first === null ? 0 : failuresFrom(s.recent, first) };
}

function noteToolChange(s: EngineState, change: NonNullable<ObserveContext['tools']>, at: number): void {
  const judged = judgeToolChange(change);
  if (judged === 'release') s.memory = { ...s.memory, drift: null };
  else if (judged !== null) s.memory = { ...s.memory, drift: { at, ...judged } };
}

/**
 * The baseline changes once a day and the trend once an hour: recompute them only then. While a
 * latency regression holds, its baseline stays frozen (for up to TUNING.baselineDays), or a
 * regression that lasts past midnight would turn into its own baseline.
 */
function refreshLatency(s: EngineState, at: number): void {
  const m = s.memory;
  const day = Math.floor(at / DAY_MS);
  const frozen =
    m.baseline !== null &&
    s.triggers.includes('latency_regression') &&
    day - m.baseline.dayKey <= TUNING.baselineDays;
  const baseline = m.baseline?.dayKey === day || frozen ? m.baseline : baselineFor(s.days, at);
  const trend = m.trend?.hourKey === Math.floor(at / HOUR_MS) ? m.trend : trendFor(s.hours, at);
  if (baseline !== m.baseline || trend !== m.trend) s.memory = { ...m, baseline, trend };
}

export function finish(before: Incident | null, s: EngineState, events: EngineEvent[]): ObserveResult {
  let incident: Incident | null = null;
  if (s.incident !== before) {
    const resolved = events.find((e) => e.type === 'incident_resolved');
    incident = s.incident ?? (resolved?.type === 'incident_resolved' ? resolved.incident : null);
  }
  return { state: s, events, incident };
}
