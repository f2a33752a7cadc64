/**
 * Exponential backoff with full jitter, shared by the alert delivery worker and the store's write
 * buffer.
 */

export interface BackoffPolicy {
  /** Delay cap of the first retry (ms). */
  baseMs: number;
  /** Upper bound of any computed delay (ms). */
  maxMs: number;
}

/**
 * Full jitter: a uniformly random delay in [0, min(max, base·2^(attempt-1))).
 * `attempt` counts attempts made so far (1 after the first failure). `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * exp);
}
