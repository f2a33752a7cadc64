/** What a window holds: the counts every rate, burn rate and guard is computed from. */
import { LAYERS } from '../probe/types.js';

export interface Tally {
  /** Rounds judged (rounds taken during maintenance are left out). */
  rounds: number;
  failed: number;
  /** Failed rounds by the layer that failed first, in LAYERS order. */
  failedByLayer: number[];
  /** Time the rounds stand for in the SLO, ms (see slo.ts). */
  sloMs: number;
  /** ...of which the server was unavailable. */
  sloBadMs: number;
  /**
   * ...of which at isolated failures (jitter: a failed round between two good ones): left out of the
   * burn rates the alerting rules read, counted everywhere else (slo.ts).
   */
  sloJitterMs: number;
}

export function emptyTally(): Tally {
  return {
    rounds: 0,
    failed: 0,
    failedByLayer: new Array<number>(LAYERS.length).fill(0),
    sloMs: 0,
    sloBadMs: 0,
    sloJitterMs: 0,
  };
}

/** failed / rounds, or null without rounds. */
export function errorRate(t: Tally, layerIndex?: number): number | null {
  if (t.rounds === 0) return null;
  return (layerIndex === undefined ? t.failed : t.failedByLayer[layerIndex]!) / t.rounds;
}
