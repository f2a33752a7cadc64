/**
 * A tiny in-memory fixed-window limiter (per key, e.g. client address). Enough for login attempts on
 * one instance; it forgets everything on restart. Memory is bounded: at most `maxKeys` keys, the
 * oldest windows dropped first.
 */

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
  remaining: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one attempt for `key`. */
  hit(key: string): RateLimitVerdict {
    const now = this.now();
    let entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.delete(key);
      entry = { count: 0, resetAt: now + this.windowMs };
      this.hits.set(key, entry);
      this.evict(now);
    }
    entry.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
    return {
      allowed: entry.count <= this.limit,
      retryAfterSeconds,
      remaining: Math.max(0, this.limit - entry.count),
    };
  }

  /** True while `key` has used up its attempts in the current window (does not count one). */
  blocked(key: string): RateLimitVerdict | null {
    const entry = this.hits.get(key);
    const now = this.now();
    if (!entry || entry.resetAt <= now || entry.count < this.limit) return null;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((entry.resetAt - now) / 1000)),
      remaining: 0,
    };
  }

  /** Forgets `key` (after a successful login). */
  reset(key: string): void {
    this.hits.delete(key);
  }

  private evict(now: number): void {
    if (this.hits.size <= this.maxKeys) return;
    for (const [key, entry] of this.hits) {
      if (this.hits.size <= this.maxKeys) break;
      if (entry.resetAt <= now || this.hits.size > this.maxKeys) this.hits.delete(key);
    }
  }
}
