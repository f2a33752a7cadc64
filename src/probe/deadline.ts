/**
 * One total deadline for a probe, and per-step signals cut from it. Every wait in the prober takes a
 * signal from here, so nothing outlives the deadline by more than the time it takes to notice.
 */

export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly endsAt: number;

  constructor(
    readonly totalMs: number,
    parent?: AbortSignal,
  ) {
    this.endsAt = performance.now() + totalMs;
    this.timer = setTimeout(() => this.controller.abort(new DeadlineError('total')), totalMs);
    this.timer.unref?.();
    this.signal = parent ? AbortSignal.any([this.controller.signal, parent]) : this.controller.signal;
  }

  /** True once the total deadline (not a caller's cancellation) has passed. */
  expired(): boolean {
    return this.remaining() <= 0;
  }

  remaining(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /** A signal that fires at the deadline or after `stepMs`, whichever comes first. */
  step(stepMs?: number): AbortSignal {
    if (stepMs === undefined || stepMs >= this.remaining()) return this.signal;
    return AbortSignal.any([this.signal, AbortSignal.timeout(Math.max(1, stepMs))]);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

export class DeadlineError extends Error {
  constructor(readonly kind: 'total' | 'step') {
    super(kind === 'total' ? 'probe deadline reached' : 'step timeout reached');
    this.name = 'DeadlineError';
  }
}

/** True when an error is the result of our own deadline or a step timeout firing. */
export function isTimeout(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const e = err as { name?: string; code?: string } | null;
  return (
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError' ||
    e?.name === 'DeadlineError' ||
    e?.code === 'UND_ERR_ABORTED' ||
    e?.code === 'ABORT_ERR'
  );
}

/** Rejects as soon as `signal` aborts, so an uncancellable promise (dns.lookup) cannot hold a probe. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new DeadlineError('step'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DeadlineError('step'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
