/**
 * Adds a judged round to the windows: the round-by-round ring and the hour and day rings. The time
 * since the previous round is credited to that round's availability now (see slo.ts).
 *
 * Jitter is known at the same moment: a good round (outside maintenance) that follows a run of exactly
 * one failed round, itself the newest round recorded, makes that failure isolated. It is flagged in
 * the round-by-round ring, and the time it is credited with now goes to the hour ring's jitter column
 * as well: burn-rate alerting leaves it out; the SLO's own numbers do not.
 */
import { LAYERS } from '../probe/types.js';
import type { RoundVerdict } from './quorum.js';
import type { ActiveMaintenance, EngineState } from './state.js';
import { creditNewest, FLAG, flagsOf, markNewestJitter, newestFailed, pushRecent, slotOf } from './recent.js';
import { addSloTime, addToBuckets, keyOf } from './buckets.js';
import { closeHour } from './latency.js';
import { isUnavailable, roundWeight } from './slo.js';

/** Mutates `s` (a clone being built). Call before the round enters memory. */
export function recordRound(s: EngineState, v: RoundVerdict, maintenance: ActiveMaintenance | null): void {
  const previousAt = s.memory.lastRoundAt;
  const failedLayer = v.failed ? LAYERS.indexOf(v.failure!.layer) : -1;
  const latency = maintenance ? null : v.latency;
  if (!maintenance) {
    addToBuckets(s.hours, v.at, { failedLayer, latencyMs: latency?.total ?? null });
    addToBuckets(s.days, v.at, { failedLayer, latencyMs: latency?.total ?? null });
  }
  // A late round (older than the last one) only counts in the coarse rings.
  if (previousAt !== null && v.at < previousAt) return;
  if (previousAt !== null) {
    if (!v.failed && !maintenance && endsIsolatedFailure(s)) markNewestJitter(s.recent);
    creditPrevious(s, previousAt, roundWeight(previousAt, v.at, s.rules.intervalMs));
    if (keyOf(s.hours, v.at) > keyOf(s.hours, previousAt)) closeHour(s, keyOf(s.hours, previousAt));
  }
  const flags =
    (failedLayer + 1) |
    (maintenance ? FLAG.maintenance : 0) |
    (maintenance?.excludeFromSlo ? FLAG.sloExcluded : 0) |
    (isUnavailable(v, s.rules) ? FLAG.sloBad : 0);
  pushRecent(s.recent, {
    at: v.at,
    weight: 0,
    flags,
    latencyMs: latency ? [latency.total, ...LAYERS.map((l) => latency.layers[l])] : null,
  });
}

/**
 * Whether a good round now ends a run of one failed round: the failure was isolated (the round before
 * it was good, or there was none). `s.memory` is still the memory before this round. A maintenance
 * round neither starts nor breaks a run (memory.ts), so a failure whose next recorded round was taken
 * during maintenance is left as it is.
 */
function endsIsolatedFailure(s: EngineState): boolean {
  return s.memory.streaks.failed === 1 && newestFailed(s.recent);
}

/** The previous round stands for the time until this one, with the availability it saw. */
function creditPrevious(s: EngineState, previousAt: number, ms: number): void {
  const r = s.recent;
  if (r.size === 0 || ms === 0) return;
  const flags = flagsOf(r, slotOf(r, 1));
  if (flags & FLAG.sloExcluded) return;
  const bad = (flags & FLAG.sloBad) !== 0;
  const jitter = (flags & FLAG.jitter) !== 0;
  creditNewest(r, ms);
  addSloTime(s.hours, previousAt, ms, bad, jitter);
  addSloTime(s.days, previousAt, ms, bad);
}
