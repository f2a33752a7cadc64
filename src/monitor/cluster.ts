/**
 * The monitor's part in sharing the store with other instances (the leases themselves are
 * monitor/leases.ts): adopting a server whose lease was gained, dropping one whose lease goes,
 * following the state of the servers other instances judge, and who holds what.
 */
import { openIncident, serializeState, withIncident } from '../engine/index.js';
import { mergeStoredIncident } from '../engine/reconcile.js';
import type { Store } from '../store/store.js';
import type { Committer } from './commit.js';
import type { MonitorCore } from './monitor-core.js';
import type { Probing } from './probing.js';
import { restoreStates } from './restore.js';
import { scheduled, trackedFrom, type Tracked } from './tracked.js';

/** Shared store: how stale the state of servers other instances judge may be when read. */
const FOLLOW_EVERY_MS = 1_000;

export class ClusterSharing {
  private following: Promise<void> | null = null;
  private followedAt = 0;

  constructor(
    private readonly core: MonitorCore,
    private readonly committer: Committer,
    private readonly probing: Probing,
  ) {}

  /** Who holds what, for /healthz and the dashboard; null when the store is not shared. */
  async cluster() {
    const { keeper } = this.core;
    if (!keeper) return null;
    const now = this.core.now();
    const [instances, leases] = await Promise.all([keeper.leases.instances(now), keeper.leases.leases()]);
    const known = new Set(this.core.tracked.keys());
    return {
      self: keeper.status(),
      instances,
      leases: leases.filter((l) => known.has(l.server)),
    };
  }

  /**
   * A lease was gained: the server's state comes from the store (what its previous holder wrote),
   * then it is probed: at once after a takeover (its holder died), one interval after its last probe
   * after a handover (so no server is probed twice in one interval).
   */
  async adopt(name: string, takeover: boolean): Promise<void> {
    const { core } = this;
    await core.queue.run(name, async () => {
      const t = core.tracked.get(name);
      if (!t) return;
      const r = (
        await restoreStates(core.store, [t.cfg], core.maintenance(), core.log, core.regional, {
          quiet: true,
        })
      ).get(name)!;
      Object.assign(t, trackedFrom(t.cfg, core.now(), r));
      if (r.events.length > 0)
        await this.committer.commit(t, r.state, r.events, openIncident(r.state), core.now(), [], true);
    });
    const t = core.tracked.get(name);
    if (!t || !core.owns(name) || core.stopping() || core.scheduler.inspect(name)) return;
    const now = core.now();
    const interval = t.cfg.rules.intervalMs;
    const last = t.lastProbe?.at ?? null;
    if (!takeover && last !== null && last + interval > now) {
      core.scheduler.add(scheduled(t.cfg, core.regional), { notBefore: last + interval });
      return;
    }
    core.scheduler.add(scheduled(t.cfg, core.regional), { notBefore: now + interval });
    if (!t.cfg.paused) core.scheduler.probeNow(name).catch(() => undefined);
  }

  /** Stops probing a server whose lease goes; `save` writes its state first (a release, not a loss). */
  async drop(name: string, save: boolean): Promise<void> {
    const { core } = this;
    core.scheduler.remove(name);
    await this.probing.settled(name);
    if (!save) return;
    await core.queue.run(name, async () => {
      await core.writer.flush();
      const t = core.tracked.get(name);
      if (t)
        await core.store.writeJudgement({
          engineState: [{ server: name, state: serializeState(t.state), at: core.now() }],
        });
    });
  }

  /**
   * Servers other instances judge, as the store has them (their last saved state and the results
   * written since), read when a page or the API asks and at most once a second.
   */
  followed(): Promise<void> {
    const { core } = this;
    if (!core.keeper) return Promise.resolve();
    if (this.following) return this.following;
    if (core.now() - this.followedAt < FOLLOW_EVERY_MS) return Promise.resolve();
    this.following = this.followOthers()
      .catch((err: unknown) =>
        core.log.error({ err }, 'reading the state of servers other instances judge failed'),
      )
      .finally(() => {
        this.followedAt = core.now();
        this.following = null;
      });
    return this.following;
  }

  private async followOthers(): Promise<void> {
    const { core } = this;
    const others = [...core.tracked.values()].filter((t) => !core.owns(t.cfg.name)).map((t) => t.cfg);
    if (others.length === 0) return;
    const restored = await restoreStates(core.store, others, core.maintenance(), core.log, core.regional, {
      quiet: true,
    });
    for (const [name, r] of restored) {
      const t = core.tracked.get(name);
      if (!t || core.owns(name)) continue;
      Object.assign(t, { ...trackedFrom(t.cfg, core.now(), r), tickedAt: t.tickedAt });
    }
  }
}

/** The stored copy of the open incident may carry an acknowledgement made on another instance. */
export async function foldStoredIncident(store: Store, t: Tracked): Promise<void> {
  const open = openIncident(t.state);
  if (!open) return;
  const merged = mergeStoredIncident(open, await store.getIncident(open.id));
  if (merged !== open) t.state = withIncident(t.state, merged);
}
