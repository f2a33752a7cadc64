/** The error-rate check shared by the P1, P2 and P3 rate rules, with its hysteresis. */
import { pct, span } from '../format.js';
import { TUNING } from '../tuning.js';
import { SPAN_MS, type SpanName } from '../windows.js';
import type { Facts, Finding } from './rule.js';

/** Fires at `threshold`; once fired, holds down to `threshold × TUNING.clearShare`. */
export function rateAtLeast(
  f: Facts,
  window: SpanName,
  threshold: number,
  label: string,
  wasActive: boolean,
): Finding | null {
  const t = f.tally(window);
  const floor = wasActive ? threshold * TUNING.clearShare : threshold;
  if (t.rounds < f.minRounds(window) || t.failed / t.rounds < floor) return null;
  return {
    message: `${pct(t.failed / t.rounds)} of ${t.rounds} probes failed over ${span(SPAN_MS[window])} (${label} at ${pct(threshold)})`,
    details: { window, rounds: t.rounds, failed: t.failed },
  };
}

/** The ratio a rise must stay at to hold once fired: `factor`, or part of the way back to 1×. */
export function holdFactor(factor: number, wasActive: boolean): number {
  return wasActive ? 1 + (factor - 1) * TUNING.clearShare : factor;
}
