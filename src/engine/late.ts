/**
 * A late round: results that reach the engine after their slot's time had passed (a regional agent
 * that could not reach the hub spooled them, then delivered them in order). They are judged in their
 * own time slot: the round's verdict is added to the hour and day rings at the time it was probed,
 * so availability, error rates and latency of those hours and days count it. They switch no trigger
 * and raise no warning: the rules judge the present, and a round the hub could not judge at the time
 * must not open an incident minutes later on a server that is healthy now.
 */
import { LAYERS } from '../probe/types.js';
import type { MaintenanceWindow, Round } from './types.js';
import { addToBuckets } from './buckets.js';
import { maintenanceFor } from './maintenance.js';
import { judgeRound } from './quorum.js';
import { cloneState, type EngineState } from './state.js';

/** Returns the state with the round counted (`inPlace`: `state` itself, changed). */
export function observeLate(
  state: EngineState,
  round: Round,
  ctx: { maintenance?: readonly MaintenanceWindow[]; inPlace?: boolean } = {},
): EngineState {
  const verdict = judgeRound(round, state.rules);
  if (verdict === null || maintenanceFor(ctx.maintenance, state.rules.name, round.at) !== null) return state;
  const s = ctx.inPlace ? state : cloneState(state);
  const entry = {
    failedLayer: verdict.failed ? LAYERS.indexOf(verdict.failure!.layer) : -1,
    latencyMs: verdict.latency?.total ?? null,
  };
  addToBuckets(s.hours, verdict.at, entry);
  addToBuckets(s.days, verdict.at, entry);
  return s;
}
