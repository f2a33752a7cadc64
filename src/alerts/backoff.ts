/**
 * When to try again: exponential backoff with full jitter, and the receiver's Retry-After.
 */

import type { BackoffPolicy } from '../util/backoff.js';

export { backoffDelay, type BackoffPolicy } from '../util/backoff.js';

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

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
