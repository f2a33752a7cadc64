/**
 * A full garbage collection for the benchmarks' memory figures: V8's gc function as the monitor
 * gets it once after start-up (src/monitor/heap-settle.ts), exposed at run time so that no flag is
 * needed. Null where V8 will not give it.
 */
import { gcFunction } from '../src/monitor/heap-settle.js';

export { gcFunction };

/** The gc function, for a benchmark whose figures mean nothing without it. */
export function requireGc(): () => void {
  const gc = gcFunction();
  if (!gc) throw new Error("this benchmark needs V8's gc function, which this Node.js does not give");
  return gc;
}
