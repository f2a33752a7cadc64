/**
 * One full garbage collection once start-up is over, so that V8 sizes the main heap for the steady
 * state rather than for start-up.
 *
 * After each full collection V8 lets the old generation grow to (what is alive) × a growing factor
 * it derives from how fast the old generation has been filling compared with how fast it collects.
 * Start-up builds every server's config, scheduler entry and engine state in seconds (~20 MB/s at
 * 50,000 servers), so the collections during it take the largest factor, 4, and the limit set by
 * the last of them stands until the heap reaches it, a minute or more later: at 50,000 servers
 * 140 MB were alive at 10 s and the next full collection came at 575 MB. In the steady state the old
 * generation fills at ~4 MB/s and V8 derives a factor of 1.1 to 2. One collection some seconds after
 * start-up, when the burst is past, lets V8 set the limit from the steady state (measured:
 * docs/benchmarks.md). It caps nothing: V8 grows the heap as far as it needs, as before.
 *
 * V8's gc function is exposed at run time (v8.setFlagsFromString), so no command-line flag is
 * needed; where V8 does not give it, nothing happens.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long after start-up the collection runs: past the burst of building every server. */
export const SETTLE_AFTER_MS = 15_000;

let gcOnce: (() => void) | null | undefined;

/** V8's gc function, or null where V8 will not give it (looked up once: a new context each time costs). */
export function gcFunction(): (() => void) | null {
  if (gcOnce !== undefined) return gcOnce;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    gcOnce = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    gcOnce = null;
  }
  return gcOnce;
}

/**
 * Runs `gc` once, `delayMs` from now, and reports the heap alive after it; `cancel` before then
 * (a stop) and it never runs. The timer does not keep the process alive.
 */
export function settleHeapLater(
  report: (heap: { aliveMiB: number; ms: number }) => void,
  delayMs = SETTLE_AFTER_MS,
  gc: (() => void) | null = gcFunction(),
): { cancel(): void } {
  if (!gc) return { cancel() {} };
  const timer = setTimeout(() => {
    const t0 = performance.now();
    gc();
    const ms = Math.round(performance.now() - t0);
    report({ aliveMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), ms });
  }, delayMs);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}
