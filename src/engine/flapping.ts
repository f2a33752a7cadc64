/**
 * Flapping: the server keeps going down and coming back.
 *
 * State changes are counted from failure runs: a run of at least TUNING.minFailureRun (2) failed
 * rounds is a "down" (dated at its first failure) and the good round that ends it an "up". A lone
 * failure followed by a success is jitter and changes nothing, so scattered single failures never
 * look like flapping (they still count in the error rates).
 *
 * Detection: `thresholds.flappingTransitions` changes within `thresholds.flappingWindowMs`.
 * Hysteresis: once detected, flapping holds until there has been no change for a whole
 * `flappingWindowMs` (the quiet period), so the incident it keeps open does not close and reopen at
 * every bounce.
 */
import type { ServerRules } from './types.js';
import { TUNING } from './tuning.js';

/** The state changes after a round: `failedBefore` is the failure run length before it. */
export function noteChange(
  transitions: readonly number[],
  failRunStart: number | null,
  failedBefore: number,
  round: { at: number; failed: boolean },
  rules: ServerRules,
): number[] {
  let changed: number | null = null;
  if (round.failed && failedBefore + 1 === TUNING.minFailureRun) changed = failRunStart ?? round.at;
  if (!round.failed && failedBefore >= TUNING.minFailureRun) changed = round.at;
  if (changed === null) return transitions as number[];
  // Detection only needs the newest `flappingTransitions` changes, and the quiet period the newest.
  const keep = Math.max(1, rules.thresholds.flappingTransitions);
  return [...transitions, changed].slice(-keep);
}

export function isFlapping(
  transitions: readonly number[],
  at: number,
  rules: ServerRules,
  wasFlapping: boolean,
): boolean {
  const { flappingTransitions, flappingWindowMs } = rules.thresholds;
  const last = transitions[transitions.length - 1];
  if (last === undefined) return false;
  if (wasFlapping) return at - last < flappingWindowMs;
  return transitions.filter((t) => t > at - flappingWindowMs).length >= flappingTransitions;
}
