/**
 * One total deadline for a probe, and per-step signals cut from it. Every wait in the prober takes a
 * signal from here, so nothing outlives the deadline by more than the time it takes to notice.
 */

export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly endsAt: number;
  private readonly parent: AbortSignal | undefined;
  private readonly onParent = (): void => this.controller.abort(this.parent?.reason);

  /**
   * Signals are linked by hand, not with AbortSignal.any and AbortSignal.timeout: those keep a set
   * of weak references per source and a timer per step alive until the step's time is up, long after
   * the probe (at 50,000 endpoints they were a tenth of what a probe left for the old generation);
   * here every timer and listener goes at dispose().
   */
  constructor(
    readonly totalMs: number,
    parent?: AbortSignal,
  ) {
    this.endsAt = performance.now() + totalMs;
    this.signal = this.controller.signal;
    this.later(totalMs, () => this.controller.abort(new DeadlineError('total')));
    this.parent = parent;
    if (parent?.aborted) this.onParent();
    else parent?.addEventListener('abort', this.onParent, { once: true });
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
    if (stepMs === undefined || stepMs >= this.remaining() || this.signal.aborted) return this.signal;
    const step = new AbortController();
    this.later(Math.max(1, stepMs), () => step.abort(new DeadlineError('step')));
    this.signal.addEventListener('abort', () => step.abort(this.signal.reason), { once: true });
    return step.signal;
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    this.parent?.removeEventListener('abort', this.onParent);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref?.();
    this.timers.push(t);
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
