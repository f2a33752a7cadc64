/**
 * The running monitor: the scheduler decides when, the prober probes, results go to the store in
 * batches, the engine judges each one, and what it decides (incidents, warnings, outbox messages,
 * its own state) is committed in one transaction before the delivery worker is kicked.
 *
 * This class builds the parts and runs their lifecycle; the work is theirs: probing.ts (probes),
 * judging.ts (results into the engine), commit.ts (writing verdicts), housekeeping.ts (the tick),
 * cluster.ts (a store shared with other instances), runtime-config.ts (servers and maintenance
 * changed at runtime), incident-actions.ts (acknowledge, resolve, update).
 */
import type { DeliveryEvent, DeliveryWorker } from '../alerts/worker.js';
import type { Config, ServerConfig } from '../config/types.js';
import { openIncident, serializeState } from '../engine/index.js';
import type { Incident, IncidentStatus, MaintenanceWindow, ToolFacts } from '../engine/types.js';
import { probeDetailed } from '../probe/index.js';
import type { ProbeOutcome, ProbeResult } from '../probe/types.js';
import { realClock, Scheduler } from '../scheduler/index.js';
import { newInstanceIdentity } from '../store/leases.js';
import type { Store } from '../store/store.js';
import { ClusterSharing } from './cluster.js';
import { Committer } from './commit.js';
import { deliveryWorker } from './delivery.js';
import { Housekeeping } from './housekeeping.js';
import { IncidentActions } from './incident-actions.js';
import { Judging } from './judging.js';
import { KeyedQueue } from './keyed-queue.js';
import { LeaseKeeper } from './leases.js';
import type { MonitorCore, MonitorDeps, MonitorHooks } from './monitor-core.js';
import { Probing } from './probing.js';
import { RegionalJudging } from './regional.js';
import { restoreStates } from './restore.js';
import { ResultWriter } from './result-writer.js';
import { RuntimeConfig } from './runtime-config.js';
import { scheduled, trackedFrom, type Scheduled, type Tracked } from './tracked.js';

/** Engine states written per transaction when the monitor stops. */
const STOP_SAVE_CHUNK = 100;

export type { MonitorDeps, MonitorHooks } from './monitor-core.js';

export class Monitor {
  readonly store: Store;
  readonly worker: DeliveryWorker;
  /** Servers probed from several regions: their rounds, and the agents heard from. */
  readonly regional: RegionalJudging;
  /** Set when the store is shared with other instances. */
  readonly keeper: LeaseKeeper | null;
  private readonly core: MonitorCore;
  private readonly tracked = new Map<string, Tracked>();
  private readonly committer: Committer;
  private readonly judging: Judging;
  private readonly probing: Probing;
  private readonly sharing: ClusterSharing;
  private readonly housekeeping: Housekeeping;
  private readonly runtime: RuntimeConfig;
  private readonly actions: IncidentActions;
  private hooks: MonitorHooks;
  private stopped = false;

  constructor(deps: MonitorDeps) {
    const { config, store, log } = deps;
    const clock = deps.clock ?? realClock;
    this.store = store;
    this.hooks = deps.hooks ?? {};
    this.regional = new RegionalJudging({
      hubRegion: config.server.region,
      agents: config.agents,
      now: () => clock.now(),
    });
    const leases = deps.leases?.shared ? deps.leases : null;
    this.keeper = leases
      ? new LeaseKeeper(
          leases,
          deps.identity ?? newInstanceIdentity(clock.now()),
          config.cluster,
          {
            serverNames: () => [...this.tracked.keys()],
            adopt: (name, takeover) => this.sharing.adopt(name, takeover),
            drop: (name, save) => this.sharing.drop(name, save),
          },
          clock,
          log,
        )
      : null;
    const keeper = this.keeper;
    const onDelivery = (e: DeliveryEvent) => this.hooks.onDelivery?.(e);
    this.worker = deliveryWorker({ config, store, clock, log, keeper, onDelivery });
    const scheduler = new Scheduler<Scheduled>(
      {
        ...clock,
        runProbe: (s, slot) => this.probing.run(s, slot),
        onError: (err, s) => log.error({ err, server: s.name }, 'probe callback failed'),
      },
      { concurrency: config.scheduler.concurrency },
    );
    this.core = {
      store,
      log,
      clock,
      tracked: this.tracked,
      queue: new KeyedQueue(),
      scheduler,
      writer: new ResultWriter(store, log),
      worker: this.worker,
      regional: this.regional,
      keeper,
      config: () => this.runtime.current(),
      maintenance: () => this.runtime.maintenance(),
      ackSecret: () => this.actions.ackSecret(),
      hooks: () => this.hooks,
      stopping: () => this.stopped,
      now: () => clock.now(),
      owns: (name) => keeper === null || keeper.owns(name),
    };
    const core = this.core;
    this.committer = new Committer(core, deps.saveEveryMs ?? 60_000);
    this.judging = new Judging(core, this.committer);
    this.probing = new Probing(core, this.judging, deps.probe ?? probeDetailed);
    this.sharing = new ClusterSharing(core, this.committer, this.probing);
    this.actions = new IncidentActions(core, this.committer);
    this.runtime = new RuntimeConfig(config, deps.maintenance ?? [], core, this.committer, this.probing);
    this.housekeeping = new Housekeeping(
      core,
      this.committer,
      this.judging,
      (id, by) => this.actions.acknowledge(id, by),
      deps.tickMs ?? 5_000,
    );
  }

  /** Loads state from the store (open incidents stay open; windows rebuilt) and starts probing. */
  async start(): Promise<void> {
    const { core } = this;
    await this.actions.loadAckSecret();
    const servers = core.config().servers;
    const restored = await restoreStates(core.store, servers, core.maintenance(), core.log, this.regional);
    for (const cfg of servers) {
      const r = restored.get(cfg.name);
      const t = trackedFrom(cfg, this.now(), r);
      this.tracked.set(cfg.name, t);
      if (r?.events.length && this.owns(cfg.name))
        await core.queue.run(cfg.name, () =>
          this.committer.commit(t, r.state, r.events, openIncident(r.state), this.now(), [], true),
        );
    }
    for (const t of this.tracked.values())
      if (this.owns(t.cfg.name)) this.core.scheduler.add(scheduled(t.cfg, this.regional));
    this.core.scheduler.start();
    await this.keeper?.start();
    this.worker.start();
    this.housekeeping.arm();
    core.log.info(
      {
        servers: this.tracked.size,
        store: this.store.kind,
        ...(this.keeper && { instance: this.keeper.id, held: this.keeper.status().held.length }),
      },
      'monitoring started',
    );
  }

  /** Stops probing; in-flight probes finish (or are cut at their deadline); everything is written. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.housekeeping.halt();
    await this.keeper?.stop();
    await this.core.scheduler.stop();
    await this.housekeeping.settled();
    await this.core.queue.idle();
    await this.core.writer.flush();
    const now = this.now();
    // A hundred states per write: every state's text at once is hundreds of MiB at 50,000 servers, and
    // a small batch is garbage before a young-generation collection can promote it.
    const owned = [...this.tracked.values()].filter((t) => this.owns(t.cfg.name));
    for (let i = 0; i < owned.length; i += STOP_SAVE_CHUNK)
      await this.store.writeJudgement({
        engineState: owned.slice(i, i + STOP_SAVE_CHUNK).map((t) => ({
          server: t.cfg.name,
          state: serializeState(t.state),
          at: now,
        })),
      });
    await this.worker.stop();
    await this.keeper?.leave();
    this.core.log.info('monitoring stopped; every result written');
  }

  stats() {
    return { scheduler: this.core.scheduler.stats(), channels: this.worker.health() };
  }

  now(): number {
    return this.core.now();
  }

  /** Hooks that need the monitor to exist first (metrics read it through the view). */
  setHooks(hooks: MonitorHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  currentConfig(): Config {
    return this.runtime.current();
  }

  servers(): ServerConfig[] {
    return [...this.tracked.values()].map((t) => t.cfg);
  }

  get(name: string): Tracked | undefined {
    return this.tracked.get(name);
  }

  maintenance(): MaintenanceWindow[] {
    return this.runtime.maintenance();
  }

  // ---- probing and judging (probing.ts, judging.ts) and time-driven work (housekeeping.ts) ---

  /** Probes one server now, outside its schedule; stored and judged like any other probe. */
  probeNow(name: string): Promise<ProbeResult | null> {
    return this.probing.probeNow(name);
  }

  /** Records one probe result and judges it. Returns whether the probe counts as good. */
  ingest(name: string, outcome: ProbeOutcome, at: number): Promise<boolean> {
    return this.judging.ingest(name, outcome, at);
  }

  /** A result a regional agent pushed; false when the server is unknown or not probed from `region`. */
  ingestRemote(name: string, region: string, result: ProbeResult, at: number): Promise<boolean> {
    return this.judging.ingestRemote(name, region, result, at);
  }

  /** Judges a server's real tool calls (telemetry/) when their verdict changes. */
  judgeTools(name: string, judge: (previous: ToolFacts | null) => ToolFacts): Promise<void> {
    return this.judging.judgeTools(name, judge);
  }

  /** Time-driven work: rules that depend on time alone, escalations, the digest, retention. */
  tick(): Promise<void> {
    return this.housekeeping.tick();
  }

  // ---- sharing the store with other instances (cluster.ts) -----------------------------------

  /** Whether this instance probes and judges the server (always, unless the store is shared). */
  owns(name: string): boolean {
    return this.core.owns(name);
  }

  /** Who holds what, for /healthz and the dashboard; null when the store is not shared. */
  cluster() {
    return this.sharing.cluster();
  }

  /** Servers other instances judge, read from the store when asked, at most once a second. */
  followed(): Promise<void> {
    return this.sharing.followed();
  }

  // ---- runtime changes (runtime-config.ts) ---------------------------------------------------

  /** Starts monitoring a new server, or replaces a server's config (its judgement history stays). */
  upsertServer(cfg: ServerConfig): Promise<void> {
    return this.runtime.upsertServer(cfg);
  }

  /**
   * Many changes at once (a registry source's sync); the server list is rebuilt once. `quiet`
   * removals only stop tracking (following another instance's removal, api-changes.ts).
   */
  applyServers(
    upserts: readonly ServerConfig[],
    removals: readonly string[],
    by: string,
    opts: { quiet?: boolean } = {},
  ): Promise<void> {
    return this.runtime.applyServers(upserts, removals, by, opts);
  }

  /** Stops monitoring a server; its open incidents are resolved first and the resolve is sent. */
  removeServer(name: string, by = 'the API'): Promise<boolean> {
    return this.runtime.removeServer(name, by);
  }

  addMaintenance(w: MaintenanceWindow): void {
    this.runtime.addMaintenance(w);
  }

  removeMaintenance(id: string): boolean {
    return this.runtime.removeMaintenance(id);
  }

  // ---- incident actions (incident-actions.ts) ------------------------------------------------

  acknowledge(id: string, by: string): Promise<Incident | null> {
    return this.actions.acknowledge(id, by);
  }

  resolve(id: string, by: string, message?: string): Promise<Incident | null> {
    return this.actions.resolve(id, by, message);
  }

  postUpdate(id: string, status: IncidentStatus, message: string): Promise<Incident | null> {
    return this.actions.postUpdate(id, status, message);
  }

  /** The incident a signed acknowledgement link is for, or null when it is forged, malformed or expired. */
  verifyAckToken(token: string): string | null {
    return this.actions.verifyAckToken(token);
  }
}
