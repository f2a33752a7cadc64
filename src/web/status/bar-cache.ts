/**
 * Daily bars for status pages without re-reading 90 day rollups per server per request: the past
 * days of each server are read once and kept for `ttlMs` (default 5 minutes, with jitter so servers
 * refresh at different times), today's bar is read on every request. Past days can still change
 * when a regional agent delivers late results; the TTL bounds how long the page lags behind.
 */
import { GRANULARITY_MS } from '../../store/rollup.js';
import type { DailyBar, Store } from '../../store/store.js';

export interface History {
  /** The days before today, oldest first; the same array object while cached (renderers memoize on it). */
  past: readonly DailyBar[];
  today: DailyBar;
}

const DAY = GRANULARITY_MS.day;

export class DailyBarCache {
  private readonly entries = new Map<string, { day: number; expiresAt: number; past: readonly DailyBar[] }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async history(server: string, days: number, now: number): Promise<History> {
    const today = Math.floor(now / DAY) * DAY;
    const key = `${server}\u0000${days}`;
    let entry = this.entries.get(key);
    if (!entry || entry.day !== today || entry.expiresAt <= now) {
      const bars = await this.store.dailyAvailability(server, days, now);
      const jitter = Math.floor(Math.random() * (this.ttlMs / 5));
      entry = { day: today, expiresAt: now + this.ttlMs + jitter, past: bars.slice(0, -1) };
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
      return { past: entry.past, today: bars[bars.length - 1]! };
    }
    const [todayBar] = await this.store.dailyAvailability(server, 1, now);
    return { past: entry.past, today: todayBar! };
  }
}
