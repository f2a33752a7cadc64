/**
 * A full garbage collection for the benchmarks' memory figures (the product never forces one):
 * V8's gc function, exposed at run time so that no flag is needed. Null where V8 will not give it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function gcFunction(): (() => void) | null {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : null;
}

/** The gc function, for a benchmark whose figures mean nothing without it. */
export function requireGc(): () => void {
  const gc = gcFunction();
  if (!gc) throw new Error("this benchmark needs V8's gc function, which this Node.js does not give");
  return gc;
}
