/** The multiwindow burn-rate check shared by the fast (P2) and slow (P3) SLO burn rules. */
import type { BurnWindowName } from '../types.js';
import { times } from '../format.js';
import { TUNING } from '../tuning.js';
import type { Facts, Finding } from './rule.js';

/** Both windows burn at ≥ factor (each with enough rounds); once fired, held down to factor × clearShare. */
export function burnPair(
  f: Facts,
  long: BurnWindowName,
  short: BurnWindowName,
  factor: number,
  wasActive: boolean,
): Finding | null {
  const a = f.burnRate(long);
  const b = f.burnRate(short);
  const floor = wasActive ? factor * TUNING.clearShare : factor;
  if (a === null || b === null || a < floor || b < floor) return null;
  return {
    message: `error budget burning ${times(a)} over ${long} and ${times(b)} over ${short} (threshold ${factor}× for the ${f.rules.slo.target}% target)`,
    details: { [long]: a, [short]: b },
  };
}
