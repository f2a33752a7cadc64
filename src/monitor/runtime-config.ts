/**
 * The config as it stands while the monitor runs: servers added, replaced and removed through the API
 * or a registry source's sync (the config's server list follows), and maintenance windows added
 * through the API beside the config's own.
 */
import type { Config, ServerConfig } from '../config/types.js';
import {
  deserializeState,
  openIncident,
  resolveRemoved,
  serializeState,
  withIncident,
} from '../engine/index.js';
import type { MaintenanceWindow } from '../engine/types.js';
import type { Committer } from './commit.js';
import type { MonitorCore } from './monitor-core.js';
import type { Probing } from './probing.js';
import { scheduled, trackedFrom } from './tracked.js';

export class RuntimeConfig {
  private config: Config;
  private extraMaintenance: MaintenanceWindow[];

  constructor(
    config: Config,
    maintenance: MaintenanceWindow[],
    private readonly core: MonitorCore,
    private readonly committer: Committer,
    private readonly probing: Probing,
  ) {
    this.config = config;
    this.extraMaintenance = maintenance;
  }

  current(): Config {
    return this.config;
  }

  maintenance(): MaintenanceWindow[] {
    return [...this.config.maintenance, ...this.extraMaintenance];
  }

  addMaintenance(w: MaintenanceWindow): void {
    this.extraMaintenance = [...this.extraMaintenance.filter((x) => x.id !== w.id), w];
  }

  removeMaintenance(id: string): boolean {
    const before = this.extraMaintenance.length;
    this.extraMaintenance = this.extraMaintenance.filter((w) => w.id !== id);
    return this.extraMaintenance.length < before;
  }

  /** Starts monitoring a new server, or replaces a server's config (its judgement history stays). */
  async upsertServer(cfg: ServerConfig): Promise<void> {
    await this.upsertOne(cfg);
    this.refreshServers();
  }

  /**
   * Many changes at once (a registry source's sync): each server goes the way upsertServer and
   * removeServer take it, and the config's server list is rebuilt once, not once per server.
   * `quiet` removals only stop tracking: they follow a removal another instance made, which resolved
   * the incidents and queued the resolve already (api-changes.ts).
   */
  async applyServers(
    upserts: readonly ServerConfig[],
    removals: readonly string[],
    by: string,
    opts: { quiet?: boolean } = {},
  ): Promise<void> {
    for (const name of removals) await this.removeOne(name, by, opts.quiet);
    for (const cfg of upserts) await this.upsertOne(cfg);
    this.refreshServers();
  }

  /**
   * Stops monitoring a server. Its open incidents are resolved first (the timeline says why and who)
   * and the resolve is sent to the channels that heard the trigger, so nothing stays open for ever.
   */
  async removeServer(name: string, by = 'the API'): Promise<boolean> {
    const removed = await this.removeOne(name, by);
    if (removed) this.refreshServers();
    return removed;
  }

  private refreshServers(): void {
    this.config = { ...this.config, servers: [...this.core.tracked.values()].map((t) => t.cfg) };
  }

  private upsertOne(cfg: ServerConfig): Promise<void> {
    const { core } = this;
    return core.queue.run(cfg.name, async () => {
      const t = core.tracked.get(cfg.name);
      core.regional.forget(cfg.name);
      if (t) {
        t.cfg = cfg;
        t.state = deserializeState(serializeState(t.state), cfg.rules);
        if (core.owns(cfg.name)) core.scheduler.update(scheduled(cfg, core.regional));
      } else {
        core.tracked.set(cfg.name, trackedFrom(cfg, core.now()));
        // Shared: a new server is probed by whichever instance claims its lease at the next beat.
        if (core.owns(cfg.name)) core.scheduler.add(scheduled(cfg, core.regional));
      }
    });
  }

  private removeOne(name: string, by: string, quiet = false): Promise<boolean> {
    const { core } = this;
    return core.queue.run(name, async () => {
      const t = core.tracked.get(name);
      if (!t) return false;
      if (quiet) {
        this.forget(name);
        return true;
      }
      const now = core.now();
      const open = openIncident(t.state);
      const stored = await core.store.listIncidents({ open: true, server: name });
      const changes = [...(open ? [open] : []), ...stored.filter((i) => i.id !== open?.id)].map((i) =>
        resolveRemoved(i, by, now),
      );
      if (changes.some((c) => c.events.length > 0) && !core.owns(name)) {
        await this.committer.writeElsewhere(
          changes.map((c) => c.incident),
          changes.flatMap((c) => c.events),
          now,
        );
      } else if (changes.some((c) => c.events.length > 0)) {
        const resolvedOpen = changes.find((c) => c.incident.id === open?.id)?.incident;
        const state = resolvedOpen ? withIncident(t.state, resolvedOpen) : t.state;
        await this.committer.commit(
          t,
          state,
          changes.flatMap((c) => c.events),
          null,
          now,
          [],
          true,
        );
      }
      this.forget(name);
      return true;
    });
  }

  private forget(name: string): void {
    this.core.tracked.delete(name);
    this.core.regional.forget(name);
    this.probing.forget(name);
    this.core.scheduler.remove(name);
  }
}
