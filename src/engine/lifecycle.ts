/**
 * The open incident follows the triggers and the rounds:
 *
 * - opens when a P1/P2 trigger switches on and none is open (severity: P1 if any active trigger is);
 * - later triggers join it (a `trigger` entry) and a P1 one raises a P2 to P1;
 * - good rounds resuming after failures (`recoverSuccesses` of them in a row) move it to
 *   monitoring, which it stays in while triggers linger (a rate window still full of the outage);
 *   not while flapping, which is no recovery;
 * - a failure during monitoring sends it back, if it is more than jitter: two in a row, or one that
 *   switches a trigger on. Hysteresis: after such a relapse it returns to monitoring only once there
 *   has been no failure for `flappingWindowMs`, so an intermittently failing server does not
 *   bounce between monitoring and investigating;
 * - resolves after `recoverSuccesses` consecutive good rounds with no active trigger. Hysteresis:
 *   an incident that opened within TUNING.recurrenceMs of the previous one's resolution (the
 *   server's incidents keep coming back, e.g. sparse failures around a burn-rate threshold) also
 *   waits until no trigger has been active for TUNING.recurrenceMs, so a server at the edge of a
 *   threshold has one long incident instead of one every hour.
 */
import type { ErrorCode, LayerName } from '../probe/types.js';
import type { EngineEvent, Incident, RuleId, ServerRules } from './types.js';
import type { Memory } from './state.js';
import type { Finding } from './rules/index.js';
import { severityOf } from './rules/index.js';
import type { RoundVerdict } from './quorum.js';
import { TUNING } from './tuning.js';
import { span } from './format.js';
import {
  changeStatus,
  clearTrigger,
  joinTrigger,
  lastRelapseAt,
  newIncident,
  raiseToP1,
  relapseStatus,
  resolve,
} from './incident.js';

/** What explains an incident opened now. */
export interface Cause {
  /** This round's failure, or a recent one. */
  failure: { layer: LayerName; code: ErrorCode } | null;
  firstFailureAt: number | null;
  /** Failed rounds since firstFailureAt. */
  failedProbes: number;
}

export interface Step {
  server: string;
  now: number;
  /** The round judged; null on a tick. */
  round: RoundVerdict | null;
  activated: { id: RuleId; finding: Finding }[];
  cleared: RuleId[];
  /** Triggers active after this step, in priority order. */
  triggers: RuleId[];
  /** Memory after the round. */
  memory: Memory;
  rules: ServerRules;
  /** Read only when an incident opens. */
  cause: () => Cause;
}

export function advance(
  incident: Incident | null,
  step: Step,
): { incident: Incident | null; events: EngineEvent[] } {
  if (incident === null) return open(step);
  const events: EngineEvent[] = [];
  let i = incident;
  for (const a of step.activated) i = joinTrigger(i, a.id, step.now, a.finding.message);
  for (const id of step.cleared) i = clearTrigger(i, id, step.now);
  if (i.activeTriggers.join() !== step.triggers.join()) i = { ...i, activeTriggers: step.triggers };

  const p1 = step.triggers.find((id) => severityOf(id) === 'P1');
  if (i.severity === 'P2' && p1) {
    i = raiseToP1(i, step.now, p1);
    events.push({ type: 'incident_severity_raised', incident: i, from: 'P2' });
  }

  const round = step.round;
  if (round) i = countRound(i, round);
  if (resolvable(step)) {
    i = resolve(i, step.now, resolution(step));
    events.push({ type: 'incident_resolved', incident: i });
    return { incident: null, events };
  }
  if (round) {
    const before = i;
    const confirmed = step.memory.streaks.failed >= TUNING.minFailureRun || step.activated.length > 0;
    if (round.failed && confirmed && i.status === 'monitoring') {
      i = changeStatus(
        i,
        relapseStatus(i),
        step.now,
        `probe failed again at ${round.failure!.layer}/${round.failure!.code}`,
      );
    } else if (!round.failed && canMonitor(i, step)) {
      i = changeStatus(i, 'monitoring', step.now, `${step.memory.streaks.good} consecutive good probes`);
    }
    if (i !== before) events.push({ type: 'incident_status_changed', incident: i, from: before.status });
  }
  return { incident: i, events };
}

function resolution(step: Step): string {
  const m = step.memory;
  const hold = m.recurring
    ? ` for ${span(TUNING.recurrenceMs)} (it came back soon after the previous incident)`
    : '';
  return `${m.streaks.good} consecutive good probes and no active trigger${hold}`;
}

function resolvable(step: Step): boolean {
  const m = step.memory;
  if (step.triggers.length > 0 || m.streaks.good < step.rules.recoverSuccesses || step.round?.failed)
    return false;
  const hold = m.recurring && m.lastTriggerAt !== null && step.now - m.lastTriggerAt < TUNING.recurrenceMs;
  return !hold;
}

/** Good probes resumed after the failures this incident saw (and after a quiet period if it relapsed). */
function canMonitor(i: Incident, step: Step): boolean {
  if (i.status !== 'investigating' && i.status !== 'identified') return false;
  // An incident without a failure (latency, too few tools) has nothing to recover from.
  if (i.layer === null || step.triggers.includes('flapping')) return false;
  const m = step.memory;
  if (m.streaks.good < step.rules.recoverSuccesses) return false;
  const lastFailureAt = m.lastFailure?.at ?? null;
  const quiet = lastFailureAt === null || step.now - lastFailureAt >= step.rules.thresholds.flappingWindowMs;
  return quiet || lastRelapseAt(i) === null;
}

function open(step: Step): { incident: Incident | null; events: EngineEvent[] } {
  const first = step.activated[0];
  if (!first) return { incident: null, events: [] };
  const cause = step.cause();
  let i = newIncident({
    server: step.server,
    at: step.now,
    severity: step.triggers.some((id) => severityOf(id) === 'P1') ? 'P1' : 'P2',
    trigger: first.id,
    activeTriggers: step.triggers,
    failure: cause.failure,
    firstFailureAt: cause.firstFailureAt,
    failedProbes: cause.failedProbes,
    lastGoodAt: step.memory.lastGoodAt,
    message: first.finding.message,
  });
  for (const a of step.activated.slice(1)) i = joinTrigger(i, a.id, step.now, a.finding.message);
  return { incident: i, events: [{ type: 'incident_opened', incident: i }] };
}

/** What the incident events of a step leave in memory for the recurrence hold. */
export function rememberIncidents(m: Memory, events: readonly EngineEvent[], now: number): Memory {
  let next = m;
  for (const e of events) {
    if (e.type === 'incident_opened') {
      next = {
        ...next,
        recurring: m.lastResolvedAt !== null && now - m.lastResolvedAt < TUNING.recurrenceMs,
      };
    }
    if (e.type === 'incident_resolved') next = { ...next, lastResolvedAt: now, recurring: false };
  }
  return next;
}

function countRound(i: Incident, round: RoundVerdict): Incident {
  if (!round.failed) return { ...i, lastGoodAt: round.at };
  const f = round.failure!;
  return {
    ...i,
    failedProbes: i.failedProbes + 1,
    layer: i.layer ?? f.layer,
    code: i.code ?? f.code,
  };
}
