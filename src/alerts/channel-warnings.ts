/**
 * `channel_failing` warnings (server field `channel:NAME`): an alert channel that keeps failing, or
 * that its receiver disabled, raised and cleared from what this instance's delivery worker saw.
 *
 * Alone (SQLite), the worker sees every delivery: a stored warning clears as soon as the worker no
 * longer reports the channel failing, and a failing channel without an active warning raises one
 * opened when its failures began.
 *
 * Shared (several instances on one PostgreSQL), each instance has its own worker and delivers only
 * the channels it claimed, so "not failing here" is no evidence: an instance that never tried the
 * channel would clear the warning another raised, and that one would raise it again, every tick.
 * Newer evidence wins instead:
 * - a stored warning is cleared only when this worker delivered to the channel after the warning
 *   opened (and does not report it failing now);
 * - a warning is raised only on a failure seen here after the channel's last warning was cleared,
 *   and it opens at that failure, so clearing it takes a success newer than the failure.
 */
import type { Warning } from '../engine/types.js';
import type { Store } from '../store/store.js';
import type { ChannelHealth, ChannelWarning } from './health.js';

export const CHANNEL_KEY_PREFIX = 'channel:';

export interface ChannelWarningInput {
  /** The store is shared with other instances. */
  shared: boolean;
  /** This worker's failing or disabled channels. */
  failing: readonly ChannelWarning[];
  /** This worker's last success and last error per channel. */
  health: readonly Pick<ChannelHealth, 'channel' | 'lastSuccessAt' | 'lastErrorAt'>[];
  /** The active stored channel_failing warnings. */
  active: readonly Warning[];
  /** Shared: when each channel's last warning was cleared (by `channel:NAME`), for the channels that need it. */
  lastClearedAt: ReadonlyMap<string, number>;
  now: number;
}

export interface ChannelWarningPlan {
  /** Warnings to write: cleared ones and new ones. */
  changes: Warning[];
  /** The worker's warnings that were raised (for the log). */
  raised: ChannelWarning[];
}

const keyOf = (channel: string) => `${CHANNEL_KEY_PREFIX}${channel}`;

/** Failing channels without an active stored warning: the ones whose last clearing matters. */
export function unwarnedChannels(failing: readonly ChannelWarning[], active: readonly Warning[]): string[] {
  const warned = new Set(active.map((w) => w.server));
  return failing.map((w) => keyOf(w.channel)).filter((k) => !warned.has(k));
}

export function planChannelWarnings(input: ChannelWarningInput): ChannelWarningPlan {
  const failing = new Map(input.failing.map((w) => [keyOf(w.channel), w]));
  const health = new Map(input.health.map((h) => [keyOf(h.channel), h]));
  const changes: Warning[] = [];
  const raised: ChannelWarning[] = [];
  for (const w of input.active) {
    if (failing.has(w.server)) continue;
    const success = health.get(w.server)?.lastSuccessAt ?? null;
    if (!input.shared || (success !== null && success > w.openedAt))
      changes.push({ ...w, clearedAt: input.now });
  }
  for (const [key, w] of failing) {
    if (input.active.some((x) => x.server === key)) continue;
    let openedAt = w.since;
    if (input.shared) {
      const lastFailure = health.get(key)?.lastErrorAt ?? w.since;
      const cleared = input.lastClearedAt.get(key);
      if (cleared !== undefined && lastFailure <= cleared) continue;
      openedAt = lastFailure;
    }
    raised.push(w);
    changes.push({
      id: `${key}-${openedAt}`,
      server: key,
      rule: 'channel_failing',
      message: w.message,
      openedAt,
      clearedAt: null,
      details: { disabled: w.disabled },
    });
  }
  return { changes, raised };
}

/**
 * Reads the stored warnings (and, when shared, the channels' last clearing), plans, writes what
 * changed, and returns the warnings raised.
 */
export async function writeChannelWarnings(deps: {
  store: Pick<Store, 'listWarnings' | 'writeJudgement'>;
  worker: { warnings(): ChannelWarning[]; health(): ChannelHealth[] };
  shared: boolean;
  now: number;
}): Promise<ChannelWarning[]> {
  const { store, worker, shared, now } = deps;
  const failing = worker.warnings();
  const active = (await store.listWarnings({ active: true, limit: 10_000 })).filter(
    (w) => w.rule === 'channel_failing',
  );
  const lastClearedAt = new Map<string, number>();
  if (shared)
    for (const key of unwarnedChannels(failing, active)) {
      const cleared = (await store.listWarnings({ server: key, limit: 100 })).flatMap((w) =>
        w.rule === 'channel_failing' && w.clearedAt !== null ? [w.clearedAt] : [],
      );
      if (cleared.length > 0) lastClearedAt.set(key, Math.max(...cleared));
    }
  const plan = planChannelWarnings({ shared, failing, health: worker.health(), active, lastClearedAt, now });
  if (plan.changes.length > 0) await store.writeJudgement({ warnings: plan.changes });
  return plan.raised;
}
