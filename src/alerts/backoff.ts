/**
 * When to try again: exponential backoff with full jitter, and the receiver's Retry-After.
 */

export interface BackoffPolicy {
  /** Delay cap of the first retry (ms). */
  baseMs: number;
  /** Upper bound of any computed delay (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Full jitter: a uniformly random delay in [0, min(max, base·2^(attempt-1))).
 * `attempt` counts attempts made so far (1 after the first failure). `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * exp);
}

/**
 * Retry-After as delta-seconds ("120") or an HTTP date; returns ms from `now`, or undefined when
 * absent or unreadable. Dates in the past give 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
