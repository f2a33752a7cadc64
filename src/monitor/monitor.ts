/**
 * The running monitor: the scheduler decides when, the prober probes, results go to the store in
 * batches, the engine judges each one, and what it decides (incidents, warnings, outbox messages,
 * its own state) is committed in one transaction before the delivery worker is kicked.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { verifyAckToken } from '../alerts/ack-token.js';
import {
  createChannels,
  notificationTimeline,
  planAcknowledgement,
  planDigest,
  previousDigestAt,
  planDue,
  planNotifications,
} from '../alerts/index.js';
import { DeliveryWorker, type DeliveryEvent } from '../alerts/worker.js';
import type { Config, ServerConfig } from '../config/types.js';
import {
  acknowledge as ackIncident,
  createState,
  deserializeState,
  judgeResult,
  observe,
  observeLate,
  observeTools,
  openIncident,
  sameToolVerdict,
  postUpdate as updateIncident,
  resolveManually,
  resolveRemoved,
  serializeState,
  tick,
  withIncident,
  type EngineState,
  type IncidentChange,
} from '../engine/index.js';
import type {
  EngineEvent,
  Incident,
  IncidentStatus,
  MaintenanceWindow,
  ObserveContext,
  ToolFacts,
  Warning,
} from '../engine/types.js';
import { probeDetailed, type FullProbeOptions } from '../probe/index.js';
import type { EraPin, ProbeOutcome, ProbeResult } from '../probe/types.js';
import { realClock, Scheduler, type Clock, type ProbeSlot, type TimerHandle } from '../scheduler/index.js';
import { newInstanceIdentity, type InstanceIdentity, type Leases } from '../store/leases.js';
import type { OutboxMessage, Store } from '../store/store.js';
import { isTransientStoreError } from '../store/transient.js';
import type { Logger } from '../util/logger.js';
import { CallSchedule } from './call-schedule.js';
import { KeyedQueue } from './keyed-queue.js';
import { LeaseKeeper } from './leases.js';
import { mergeStoredIncident } from '../engine/reconcile.js';
import { applyAckRequests } from './requests.js';
import { restoreStates } from './restore.js';
import { ResultWriter } from './result-writer.js';
import { scheduled, type Scheduled, type Tracked } from './tracked.js';
import { RegionalJudging } from './regional.js';
import type { ReadyRound } from './regional-rounds.js';

export interface MonitorHooks {
  /** Every probe result, once judged (for /metrics). */
  onProbe?(server: string, result: ProbeResult, ok: boolean): void;
  onEvents?(server: string, events: EngineEvent[]): void;
  /** Every delivery attempt of an alert (for /metrics). */
  onDelivery?(e: DeliveryEvent): void;
  /** A resolved incident, once written (the web face drafts its postmortem). */
  onResolved?(incident: Incident): Promise<void>;
  /** Of these incidents, the ones whose postmortem the weekly digest should ask for. */
  missingPostmortems?(incidents: readonly Incident[], now: number): Promise<Incident[]>;
}

export interface MonitorDeps {
  config: Config;
  store: Store;
  log: Logger;
  clock?: Clock;
  probe?: (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;
  hooks?: MonitorHooks;
  /** How often time-driven rules, escalations and the digest are evaluated (default 5 s). */
  tickMs?: number;
  /** Longest time an unchanged engine state goes unsaved (default 60 s). */
  saveEveryMs?: number;
  /** Maintenance windows added through the API (the config's own come from `config`). */
  maintenance?: MaintenanceWindow[];
  /**
   * Shared with other instances (store/open.ts leasesFor): this instance probes, judges and delivers
   * only what it holds. Absent or not shared: everything is this instance's.
   */
  leases?: Leases;
  identity?: InstanceIdentity;
}

const ACK_SECRET_KEY = 'ack-secret';
/** Shared store: how stale the state of servers other instances judge may be when read. */
const FOLLOW_EVERY_MS = 1_000;
/** How often time alone is judged per server. */
const ENGINE_TICK_MS = 60_000;

export class Monitor {
  readonly store: Store;
  readonly worker: DeliveryWorker;
  /** Servers probed from several regions: their rounds, and the agents heard from. */
  readonly regional: RegionalJudging;
  private config: Config;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly probeFn: (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;
  private hooks: MonitorHooks;
  private readonly tracked = new Map<string, Tracked>();
  private readonly queue = new KeyedQueue();
  private readonly eraCache = new Map<string, EraPin>();
  private readonly calls = new CallSchedule();
  /** server + tool pairs whose refusal by the read-only guard was logged. */
  private readonly refusedCalls = new Set<string>();
  private readonly cas = new Map<string, string>();
  private readonly scheduler: Scheduler<Scheduled>;
  private readonly writer: ResultWriter;
  private readonly tickMs: number;
  private readonly saveEveryMs: number;
  private extraMaintenance: MaintenanceWindow[] = [];
  private ackSecret: string | null = null;
  private tickTimer: TimerHandle | null = null;
  private lastPruneAt = 0;
  private lastDigestAt: number | null = null;
  private lastDeliveryErrorAt = -Infinity;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();
  /** Set when the store is shared with other instances. */
  readonly keeper: LeaseKeeper | null = null;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private following: Promise<void> | null = null;
  private followedAt = 0;

  constructor(deps: MonitorDeps) {
    this.config = deps.config;
    this.store = deps.store;
    this.log = deps.log;
    this.clock = deps.clock ?? realClock;
    this.probeFn = deps.probe ?? probeDetailed;
    this.hooks = deps.hooks ?? {};
    this.tickMs = deps.tickMs ?? 5_000;
    this.saveEveryMs = deps.saveEveryMs ?? 60_000;
    this.extraMaintenance = deps.maintenance ?? [];
    this.writer = new ResultWriter(this.store, this.log);
    this.regional = new RegionalJudging({
      hubRegion: this.config.server.region,
      agents: this.config.agents,
      now: () => this.clock.now(),
    });
    const leases = deps.leases?.shared ? deps.leases : null;
    if (leases)
      this.keeper = new LeaseKeeper(
        leases,
        deps.identity ?? newInstanceIdentity(this.clock.now()),
        this.config.cluster,
        {
          serverNames: () => [...this.tracked.keys()],
          adopt: (name, takeover) => this.adopt(name, takeover),
          drop: (name, save) => this.drop(name, save),
        },
        this.clock,
        this.log,
      );
    const claimMs = this.config.cluster.outboxClaimMs;
    this.worker = new DeliveryWorker({
      ...(leases && {
        claim: async (now: number, limit: number) => ({
          messages: await leases.claimOutbox(this.keeper!.id, now, claimMs, limit),
          until: now + claimMs,
        }),
      }),
      store: this.store,
      channels: createChannels(this.config.channels),
      now: () => this.clock.now(),
      onEvent: (e) => {
        if (e.type === 'sent') this.log.info(e, 'alert delivered');
        else if (e.type !== 'error') this.log.warn(e, `alert delivery: ${e.type}`);
        else if (this.clock.now() - this.lastDeliveryErrorAt >= 60_000) {
          // A pass that cannot read the outbox (the database away) fails every second: once a minute.
          this.lastDeliveryErrorAt = this.clock.now();
          this.log.warn(e, 'alert delivery: error');
        }
        this.hooks.onDelivery?.(e);
      },
    });
    this.scheduler = new Scheduler<Scheduled>(
      {
        ...this.clock,
        runProbe: (s, slot) => this.runProbe(s, slot),
        onError: (err, s) => this.log.error({ err, server: s.name }, 'probe callback failed'),
      },
      { concurrency: this.config.scheduler.concurrency },
    );
  }

  now(): number {
    return this.clock.now();
  }

  /** Hooks that need the monitor to exist first (metrics read it through the view). */
  setHooks(hooks: MonitorHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  currentConfig(): Config {
    return this.config;
  }

  servers(): ServerConfig[] {
    return [...this.tracked.values()].map((t) => t.cfg);
  }

  get(name: string): Tracked | undefined {
    return this.tracked.get(name);
  }

  maintenance(): MaintenanceWindow[] {
    return [...this.config.maintenance, ...this.extraMaintenance];
  }

  /** Loads state from the store (open incidents stay open; windows rebuilt) and starts probing. */
  async start(): Promise<void> {
    this.ackSecret = await this.loadAckSecret();
    const restored = await restoreStates(
      this.store,
      this.config.servers,
      this.maintenance(),
      this.log,
      this.regional,
    );
    for (const cfg of this.config.servers) {
      const r = restored.get(cfg.name);
      this.tracked.set(cfg.name, {
        cfg,
        state: r?.state ?? createState(cfg.rules),
        lastResult: r?.lastResult ?? null,
        lastResultAt: r?.lastResultAt ?? null,
        surface: r?.surface ?? null,
        savedAt: r?.savedAt ?? 0,
        tickedAt: 0,
      });
      if (r?.events.length && this.owns(cfg.name))
        await this.queue.run(cfg.name, () =>
          this.commit(
            this.tracked.get(cfg.name)!,
            r.state,
            r.events,
            openIncident(r.state),
            this.now(),
            [],
            true,
          ),
        );
    }
    for (const t of this.tracked.values())
      if (this.owns(t.cfg.name)) this.scheduler.add(scheduled(t.cfg, this.regional));
    this.scheduler.start();
    await this.keeper?.start();
    this.worker.start();
    this.armTick();
    this.log.info(
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
    if (this.tickTimer !== null) this.clock.clearTimer(this.tickTimer);
    await this.keeper?.stop();
    await this.scheduler.stop();
    await this.ticking;
    await this.queue.idle();
    await this.writer.flush();
    const now = this.now();
    await this.store.writeJudgement({
      engineState: [...this.tracked.values()]
        .filter((t) => this.owns(t.cfg.name))
        .map((t) => ({
          server: t.cfg.name,
          state: serializeState(t.state),
          at: now,
        })),
    });
    await this.worker.stop();
    await this.keeper?.leave();
    this.log.info('monitoring stopped; every result written');
  }

  stats() {
    return { scheduler: this.scheduler.stats(), channels: this.worker.health() };
  }

  // ---- probing and judging ------------------------------------------------------------------

  private async runProbe(s: Scheduled, slot: ProbeSlot): Promise<{ ok: boolean }> {
    const t = this.tracked.get(s.name);
    if (!t) return { ok: true };
    const at = this.now();
    const calls = t.cfg.calls?.length ? this.calls.plan(s.name, t.cfg.calls, at) : undefined;
    const run = this.probeFn(t.cfg.url, {
      ...this.probeOptions(t.cfg, slot.signal, slot.region),
      ...(calls ? { calls } : {}),
    }).then((outcome) => {
      if (t.cfg.calls?.length) this.noteCalls(t.cfg, outcome.result, at);
      return this.ingest(s.name, outcome, at);
    });
    this.inflight.set(s.name, run);
    try {
      return { ok: await run };
    } finally {
      if (this.inflight.get(s.name) === run) this.inflight.delete(s.name);
    }
  }

  /** Probes one server now, outside its schedule; stored and judged like any other probe. */
  async probeNow(name: string): Promise<ProbeResult | null> {
    const t = this.tracked.get(name);
    if (!t) return null;
    if (!this.owns(name)) {
      // Another instance judges it: probe from here and answer, without storing or judging.
      const signal = AbortSignal.timeout(t.cfg.timeoutMs + 5_000);
      return (
        await this.probeFn(t.cfg.url, this.probeOptions(t.cfg, signal, this.config.server.region ?? 'local'))
      ).result;
    }
    await this.scheduler.probeNow(name);
    return this.tracked.get(name)?.lastResult ?? null;
  }

  /** Remembers which calls were made (for `every`); warns once per tool the read-only guard refused. */
  private noteCalls(cfg: ServerConfig, result: ProbeResult, at: number): void {
    this.calls.record(cfg.name, cfg.calls ?? [], result, at);
    for (const c of result.layers.tool_call?.calls ?? []) {
      const key = `${cfg.name}\u0000${c.tool}`;
      if (c.skipped !== 'not_read_only' || this.refusedCalls.has(key)) continue;
      this.refusedCalls.add(key);
      this.log.warn(
        { server: cfg.name, tool: c.tool },
        `calls: "${c.tool}" is not annotated readOnlyHint: true by the server; the call is skipped and never sent (set allowWrite: true on it to call it anyway)`,
      );
    }
  }

  private probeOptions(cfg: ServerConfig, signal: AbortSignal, region: string): FullProbeOptions {
    return {
      headers: cfg.headers,
      timeoutMs: cfg.timeoutMs,
      ca: cfg.ca ? this.caText(cfg.ca) : undefined,
      era: cfg.era,
      followRedirects: cfg.followRedirects,
      blockPrivateAddresses: this.config.server.public,
      eraCache: this.eraCache,
      keepToolDefinitions: true,
      region,
      signal,
    };
  }

  private caText(path: string): string | undefined {
    let pem = this.cas.get(path);
    if (pem === undefined) {
      try {
        pem = readFileSync(path, 'utf8');
      } catch (err) {
        this.log.error({ err, path }, 'cannot read the CA file; probing with the system roots only');
        pem = '';
      }
      this.cas.set(path, pem);
    }
    return pem || undefined;
  }

  /** Records one probe result and judges it. Returns whether the probe counts as good. */
  async ingest(name: string, outcome: ProbeOutcome, at: number): Promise<boolean> {
    return this.queue.run(name, async () => {
      const t = this.tracked.get(name);
      if (!t) return true;
      const { result } = outcome;
      const ok = judgeResult(result, t.cfg.rules).failure === null;
      this.writer.add({ server: name, region: result.region ?? 'local', at, ok, result });
      // A probe that finished after the lease went: kept, but judged by the instance that holds it.
      if (!this.owns(name)) return ok;
      t.lastResult = result;
      t.lastResultAt = at;
      this.hooks.onProbe?.(name, result, ok);

      let tools: ObserveContext['tools'];
      if (result.tools && outcome.toolDefinitions && result.tools.fingerprint !== t.surface?.fingerprint) {
        const { surface, changed } = await this.store.saveToolSurface(
          name,
          result.tools.fingerprint,
          result.server?.version ?? null,
          outcome.toolDefinitions,
          at,
        );
        const current = { serverVersion: surface.serverVersion, tools: surface.tools };
        if (changed) tools = { previous: t.surface?.snapshot ?? null, current };
        t.surface = { fingerprint: surface.fingerprint, snapshot: current };
      }
      const now = this.now();
      if (this.regional.handles(t.cfg)) {
        const input = { region: result.region ?? this.regional.hubRegion, at, result, failed: !ok, tools };
        await this.judgeRounds(t, this.regional.add(t.cfg, t.state.memory.lastRoundAt, input, now), now);
        return ok;
      }
      const r = observe(
        t.state,
        { at, results: [result] },
        { now, maintenance: this.maintenance(), tools, inPlace: true },
      );
      await this.commit(t, r.state, r.events, r.incident, now);
      return ok;
    });
  }

  /**
   * A result a regional agent pushed (probed at `at`, in the region it names): stored like the hub's
   * own, and judged in its slot's round. False when the server is unknown or not probed from `region`.
   */
  async ingestRemote(name: string, region: string, result: ProbeResult, at: number): Promise<boolean> {
    const cfg = this.tracked.get(name)?.cfg;
    if (!cfg || !cfg.regions.includes(region) || region === this.regional.hubRegion) return false;
    await this.ingest(name, { result: { ...result, region } }, at);
    return true;
  }

  /** Hands the rounds of a multi-region server to the engine: late ones count only in their hour and day. */
  private async judgeRounds(t: Tracked, ready: ReadyRound[], now: number): Promise<void> {
    for (const r of ready) {
      if (r.late) {
        t.state = observeLate(t.state, r.round, { maintenance: this.maintenance(), inPlace: true });
        continue;
      }
      const o = observe(t.state, r.round, {
        now,
        maintenance: this.maintenance(),
        ...(r.tools ? { tools: r.tools } : {}),
        inPlace: true,
      });
      await this.commit(t, o.state, o.events, o.incident, now);
    }
  }

  /**
   * Judges a server's real tool calls (telemetry/): `judge` gets the facts judged last and returns
   * the new ones; only a changed verdict (other failing tools, or every call failing or not) goes
   * through the engine and is committed.
   */
  async judgeTools(name: string, judge: (previous: ToolFacts | null) => ToolFacts): Promise<void> {
    await this.queue.run(name, async () => {
      const t = this.tracked.get(name);
      if (!t || !this.owns(name)) return;
      const previous = t.state.memory.tools ?? null;
      const facts = judge(previous);
      if (sameToolVerdict(previous, facts)) return;
      const now = this.now();
      const r = observeTools(t.state, facts, { now, inPlace: true });
      await this.commit(t, r.state, r.events, r.incident, now);
    });
  }

  /**
   * Commits what one judgement changed: the incidents (with timeline entries for the notifications
   * they caused), warnings, new outbox messages and, when something changed or it is due, the engine
   * state — in one transaction, before the delivery worker is kicked. `incident` is one the judgement
   * changed (it is written); `extra` are messages planned outside the engine (escalations, acks).
   */
  private async commit(
    t: Tracked,
    state: EngineState,
    events: EngineEvent[],
    incident: Incident | null,
    now: number,
    extra: OutboxMessage[] = [],
    forceSave = false,
  ): Promise<void> {
    let outbox = [...planNotifications(events, this.config, now, { ackSecret: this.ackSecret }), ...extra];
    if (outbox.length > 0) {
      const existing = await this.store.existingOutboxKeys(outbox.map((m) => m.key));
      outbox = outbox.filter((m) => !existing.has(m.key));
    }
    const incidents = new Map<string, Incident>();
    for (const e of events) if ('incident' in e) incidents.set(e.incident.id, e.incident);
    if (incident) incidents.set(incident.id, incident);
    // Another instance may have acknowledged or updated it: fold that in before writing over it.
    if (this.keeper)
      for (const [id, i] of incidents)
        incidents.set(id, mergeStoredIncident(i, await this.store.getIncident(id)));
    const open = openIncident(state);
    for (const { incidentId, entry } of notificationTimeline(outbox)) {
      const i = incidents.get(incidentId) ?? (open?.id === incidentId ? open : undefined);
      if (i) incidents.set(incidentId, { ...i, timeline: [...i.timeline, entry] });
    }
    if (open && incidents.has(open.id)) state = withIncident(state, incidents.get(open.id)!);
    const warnings: Warning[] = events.flatMap((e) =>
      e.type === 'warning_raised' || e.type === 'warning_cleared' ? [e.warning] : [],
    );
    t.state = state;
    const save = forceSave || events.length > 0 || incidents.size > 0 || now - t.savedAt >= this.saveEveryMs;
    if (!save && warnings.length === 0 && outbox.length === 0) return;
    await this.store.writeJudgement({
      incidents: [...incidents.values()],
      warnings,
      outbox,
      engineState: save ? [{ server: t.cfg.name, state: serializeState(state), at: now }] : [],
    });
    if (save) t.savedAt = now;
    for (const e of events)
      this.log.info(
        {
          server: t.cfg.name,
          event: e.type,
          ...('incident' in e
            ? { incident: e.incident.id, severity: e.incident.severity, status: e.incident.status }
            : { rule: e.warning.rule }),
        },
        describe(e),
      );
    if (events.length > 0) this.hooks.onEvents?.(t.cfg.name, events);
    for (const i of incidents.values()) {
      if (
        i.resolvedAt !== null &&
        events.some((e) => e.type === 'incident_resolved' && e.incident.id === i.id)
      )
        await this.hooks
          .onResolved?.(i)
          .catch((err: unknown) => this.log.error({ err, incident: i.id }, 'drafting the postmortem failed'));
    }
    if (outbox.length > 0) this.worker.kick();
  }

  private armTick(): void {
    this.tickTimer = this.clock.setTimer(() => {
      this.ticking = this.tick()
        .catch((err: unknown) =>
          // While the database is away the store says so (once, then at intervals), not every tick.
          isTransientStoreError(err)
            ? this.log.debug({ err }, 'tick: the store is unreachable')
            : this.log.error({ err }, 'tick failed'),
        )
        .finally(() => {
          if (!this.stopped) this.armTick();
        });
    }, this.tickMs);
  }

  /** Time-driven work: rules that depend on time alone, escalations, the digest, retention. */
  async tick(): Promise<void> {
    // Acknowledgements left by the CLI need reads; the servers' judgement below does not, so it goes
    // on while the database is away (its writes wait in the store's buffer).
    await applyAckRequests(this.store, this.log, (id, by) => this.acknowledge(id, by)).catch(
      (err: unknown) => {
        if (!isTransientStoreError(err)) throw err;
      },
    );
    const now = this.now();
    const maintenance = this.maintenance();
    await Promise.all(
      [...this.tracked.values()].map((t) =>
        this.queue.run(t.cfg.name, async () => {
          if (!this.owns(t.cfg.name)) return;
          if (this.keeper) await this.foldStoredIncident(t);
          // Time-driven rules (certificate countdown, warnings ageing out, maintenance edges) need
          // minutes, not seconds: judge them once a minute; escalations are checked every tick.
          const r =
            now - t.tickedAt >= ENGINE_TICK_MS ? tick(t.state, now, { maintenance, inPlace: true }) : null;
          if (r) t.tickedAt = now;
          if (this.regional.handles(t.cfg)) await this.judgeRounds(t, this.regional.due(t.cfg, now), now);
          const state = r?.state ?? t.state;
          const open = openIncident(state);
          const due = open ? planDue([open], this.config, now, { ackSecret: this.ackSecret }) : [];
          if ((r?.events.length ?? 0) > 0 || due.length > 0)
            await this.commit(t, state, r?.events ?? [], r?.incident ?? null, now, due);
          else t.state = state;
        }),
      ),
    );
    await this.syncChannelWarnings(now);
    await this.syncAgentWarnings(now);
    await this.planDigestOnce(now);
    if (now - this.lastPruneAt >= 3_600_000) {
      this.lastPruneAt = now;
      const pruned = await this.store.prune(
        now - this.config.retention.rawMs,
        now - this.config.retention.rollupsMs,
        now - (this.config.retention.minuteRollupsMs ?? this.config.retention.rollupsMs),
      );
      if (pruned.raw || pruned.rollups) this.log.info(pruned, 'retention: pruned old rows');
    }
  }

  /**
   * The weekly digest, planned once per scheduled time (the store's keys make a second planning after
   * a restart harmless): warnings of the period, and P1s still without a postmortem after 24 h.
   */
  private async planDigestOnce(now: number): Promise<void> {
    const due = previousDigestAt(this.config.digest.schedule, now, this.config.digest.timezone);
    if (due === this.lastDigestAt) return;
    // Read first: when the store is unreachable, the next tick plans it again.
    const [warnings, incidents] = await Promise.all([
      this.store.listWarnings({ limit: 10_000 }),
      this.store.listIncidents({ limit: 1_000 }),
    ]);
    this.lastDigestAt = due;
    const reminders = this.hooks.missingPostmortems
      ? await this.hooks.missingPostmortems(incidents, now)
      : [];
    const digest = planDigest({ warnings, incidents: reminders }, this.config, now);
    if (digest.length === 0) return;
    const existing = await this.store.existingOutboxKeys(digest.map((m) => m.key));
    const fresh = digest.filter((m) => !existing.has(m.key));
    if (fresh.length === 0) return;
    await this.store.writeJudgement({ outbox: fresh });
    this.worker.kick();
  }

  /**
   * A channel that keeps failing (or that its receiver disabled) is a warning beside the servers'
   * own, raised and cleared as the delivery worker sees it; its server field names the channel.
   */
  private async syncChannelWarnings(now: number): Promise<void> {
    const failing = new Map(this.worker.warnings().map((w) => [`channel:${w.channel}`, w]));
    const stored = (await this.store.listWarnings({ active: true, limit: 10_000 })).filter(
      (w) => w.rule === 'channel_failing',
    );
    const changes: Warning[] = [];
    for (const w of stored) if (!failing.has(w.server)) changes.push({ ...w, clearedAt: now });
    for (const [key, w] of failing) {
      if (stored.some((x) => x.server === key)) continue;
      changes.push({
        id: `${key}-${w.since}`,
        server: key,
        rule: 'channel_failing',
        message: w.message,
        openedAt: w.since,
        clearedAt: null,
        details: { disabled: w.disabled },
      });
      this.log.warn({ channel: w.channel, disabled: w.disabled }, w.message);
    }
    if (changes.length > 0) await this.store.writeJudgement({ warnings: changes });
  }

  /** `agent_offline` warnings (server field `agent:REGION`) raised and cleared as agents call or go silent. */
  private async syncAgentWarnings(now: number): Promise<void> {
    const stored = await this.store.listWarnings({ active: true, limit: 10_000 });
    const changes = this.regional.offlineChanges(this.servers(), stored, now);
    for (const w of changes)
      if (w.clearedAt === null) this.log.warn({ region: w.details?.region }, w.message);
    if (changes.length > 0) await this.store.writeJudgement({ warnings: changes });
  }

  // ---- sharing the store with other instances (monitor/leases.ts) ---------------------------

  /** Whether this instance probes and judges the server (always, unless the store is shared). */
  owns(name: string): boolean {
    return this.keeper === null || this.keeper.owns(name);
  }

  /** Who holds what, for /healthz and the dashboard; null when the store is not shared. */
  async cluster() {
    if (!this.keeper) return null;
    const now = this.now();
    const [instances, leases] = await Promise.all([
      this.keeper.leases.instances(now),
      this.keeper.leases.leases(),
    ]);
    const known = new Set(this.tracked.keys());
    return {
      self: this.keeper.status(),
      instances,
      leases: leases.filter((l) => known.has(l.server)),
    };
  }

  /**
   * A lease was gained: the server's state comes from the store (what its previous holder wrote),
   * then it is probed: at once after a takeover (its holder died), one interval after its last probe
   * after a handover (so no server is probed twice in one interval).
   */
  private async adopt(name: string, takeover: boolean): Promise<void> {
    await this.queue.run(name, async () => {
      const t = this.tracked.get(name);
      if (!t) return;
      const r = (
        await restoreStates(this.store, [t.cfg], this.maintenance(), this.log, this.regional, {
          quiet: true,
        })
      ).get(name)!;
      Object.assign(t, {
        state: r.state,
        lastResult: r.lastResult,
        lastResultAt: r.lastResultAt,
        surface: r.surface,
        savedAt: r.savedAt,
        tickedAt: 0,
      });
      if (r.events.length > 0)
        await this.commit(t, r.state, r.events, openIncident(r.state), this.now(), [], true);
    });
    const t = this.tracked.get(name);
    if (!t || !this.owns(name) || this.stopped || this.scheduler.inspect(name)) return;
    const now = this.now();
    const interval = t.cfg.rules.intervalMs;
    const last = t.lastResultAt;
    if (!takeover && last !== null && last + interval > now) {
      this.scheduler.add(scheduled(t.cfg, this.regional), { notBefore: last + interval });
      return;
    }
    this.scheduler.add(scheduled(t.cfg, this.regional), { notBefore: now + interval });
    if (!t.cfg.paused) this.scheduler.probeNow(name).catch(() => undefined);
  }

  /** Stops probing a server whose lease goes; `save` writes its state first (a release, not a loss). */
  private async drop(name: string, save: boolean): Promise<void> {
    this.scheduler.remove(name);
    await this.inflight.get(name)?.catch(() => undefined);
    if (!save) return;
    await this.queue.run(name, async () => {
      await this.writer.flush();
      const t = this.tracked.get(name);
      if (t)
        await this.store.writeJudgement({
          engineState: [{ server: name, state: serializeState(t.state), at: this.now() }],
        });
    });
  }

  /** The stored copy of the open incident may carry an acknowledgement made on another instance. */
  private async foldStoredIncident(t: Tracked): Promise<void> {
    const open = openIncident(t.state);
    if (!open) return;
    const merged = mergeStoredIncident(open, await this.store.getIncident(open.id));
    if (merged !== open) t.state = withIncident(t.state, merged);
  }

  /**
   * Servers other instances judge, as the store has them (their last saved state and the results
   * written since), read when a page or the API asks and at most once a second.
   */
  followed(): Promise<void> {
    if (!this.keeper) return Promise.resolve();
    if (this.following) return this.following;
    if (this.now() - this.followedAt < FOLLOW_EVERY_MS) return Promise.resolve();
    this.following = this.followOthers()
      .catch((err: unknown) =>
        this.log.error({ err }, 'reading the state of servers other instances judge failed'),
      )
      .finally(() => {
        this.followedAt = this.now();
        this.following = null;
      });
    return this.following;
  }

  private async followOthers(): Promise<void> {
    const others = [...this.tracked.values()].filter((t) => !this.owns(t.cfg.name)).map((t) => t.cfg);
    if (others.length === 0) return;
    const restored = await restoreStates(this.store, others, this.maintenance(), this.log, this.regional, {
      quiet: true,
    });
    for (const [name, r] of restored) {
      const t = this.tracked.get(name);
      if (!t || this.owns(name)) continue;
      Object.assign(t, {
        state: r.state,
        lastResult: r.lastResult,
        lastResultAt: r.lastResultAt,
        surface: r.surface,
        savedAt: r.savedAt,
      });
    }
  }

  /**
   * Writes incident changes made here for a server another instance judges: the incidents, and the
   * notifications they call for (the judging instance folds the change into its copy at its next tick).
   */
  private async writeElsewhere(
    incidents: Incident[],
    events: EngineEvent[],
    now: number,
    extra: OutboxMessage[] = [],
  ): Promise<Incident[]> {
    let outbox = [...planNotifications(events, this.config, now, { ackSecret: this.ackSecret }), ...extra];
    if (outbox.length > 0) {
      const existing = await this.store.existingOutboxKeys(outbox.map((m) => m.key));
      outbox = outbox.filter((m) => !existing.has(m.key));
    }
    const byId = new Map(incidents.map((i) => [i.id, i]));
    for (const { incidentId, entry } of notificationTimeline(outbox)) {
      const i = byId.get(incidentId);
      if (i) byId.set(incidentId, { ...i, timeline: [...i.timeline, entry] });
    }
    const written = incidents.map((i) => byId.get(i.id)!);
    await this.store.writeJudgement({ incidents: written, outbox });
    if (outbox.length > 0) this.worker.kick();
    return written;
  }

  // ---- runtime changes (API) ----------------------------------------------------------------

  /** Starts monitoring a new server, or replaces a server's config (its judgement history stays). */
  async upsertServer(cfg: ServerConfig): Promise<void> {
    await this.upsertOne(cfg);
    this.refreshServers();
  }

  /**
   * Many changes at once (a registry source's sync): each server goes the way upsertServer and
   * removeServer take it, and the config's server list is rebuilt once, not once per server.
   */
  async applyServers(
    upserts: readonly ServerConfig[],
    removals: readonly string[],
    by: string,
  ): Promise<void> {
    for (const name of removals) await this.removeOne(name, by);
    for (const cfg of upserts) await this.upsertOne(cfg);
    this.refreshServers();
  }

  private refreshServers(): void {
    this.config = { ...this.config, servers: this.servers() };
  }

  private upsertOne(cfg: ServerConfig): Promise<void> {
    return this.queue.run(cfg.name, async () => {
      const t = this.tracked.get(cfg.name);
      this.regional.forget(cfg.name);
      if (t) {
        t.cfg = cfg;
        t.state = deserializeState(serializeState(t.state), cfg.rules);
        if (this.owns(cfg.name)) this.scheduler.update(scheduled(cfg, this.regional));
      } else {
        this.tracked.set(cfg.name, {
          cfg,
          state: createState(cfg.rules),
          lastResult: null,
          lastResultAt: null,
          surface: null,
          savedAt: 0,
          tickedAt: 0,
        });
        // Shared: a new server is probed by whichever instance claims its lease at the next beat.
        if (this.owns(cfg.name)) this.scheduler.add(scheduled(cfg, this.regional));
      }
    });
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

  private removeOne(name: string, by: string): Promise<boolean> {
    return this.queue.run(name, async () => {
      const t = this.tracked.get(name);
      if (!t) return false;
      const now = this.now();
      const open = openIncident(t.state);
      const stored = await this.store.listIncidents({ open: true, server: name });
      const changes = [...(open ? [open] : []), ...stored.filter((i) => i.id !== open?.id)].map((i) =>
        resolveRemoved(i, by, now),
      );
      if (changes.some((c) => c.events.length > 0) && !this.owns(name)) {
        await this.writeElsewhere(
          changes.map((c) => c.incident),
          changes.flatMap((c) => c.events),
          now,
        );
      } else if (changes.some((c) => c.events.length > 0)) {
        const resolvedOpen = changes.find((c) => c.incident.id === open?.id)?.incident;
        const state = resolvedOpen ? withIncident(t.state, resolvedOpen) : t.state;
        await this.commit(
          t,
          state,
          changes.flatMap((c) => c.events),
          null,
          now,
          [],
          true,
        );
      }
      this.tracked.delete(name);
      this.regional.forget(name);
      this.calls.forget(name);
      this.scheduler.remove(name);
      return true;
    });
  }

  addMaintenance(w: MaintenanceWindow): void {
    this.extraMaintenance = [...this.extraMaintenance.filter((x) => x.id !== w.id), w];
  }

  removeMaintenance(id: string): boolean {
    const before = this.extraMaintenance.length;
    this.extraMaintenance = this.extraMaintenance.filter((w) => w.id !== id);
    return this.extraMaintenance.length < before;
  }

  // ---- incident actions (API, dashboard, CLI, ack links) -------------------------------------

  acknowledge(id: string, by: string): Promise<Incident | null> {
    return this.act(id, (i, now) => ackIncident(i, by, now));
  }

  resolve(id: string, by: string, message?: string): Promise<Incident | null> {
    return this.act(id, (i, now) =>
      message ? updateIncident(i, 'resolved', message, now) : resolveManually(i, by, now),
    );
  }

  postUpdate(id: string, status: IncidentStatus, message: string): Promise<Incident | null> {
    return this.act(id, (i, now) => updateIncident(i, status, message, now));
  }

  /**
   * Applies a manual change to an incident: to the engine's copy when it is the server's open
   * incident (so the next judgement builds on it), to the stored one otherwise; notifies like the
   * engine would (an acknowledgement tells everyone who was paged).
   */
  private async act(
    id: string,
    change: (i: Incident, now: number) => IncidentChange,
  ): Promise<Incident | null> {
    const stored = await this.store.getIncident(id);
    if (!stored) return null;
    return this.queue.run(stored.server, async () => {
      const now = this.now();
      const t = this.tracked.get(stored.server);
      const open = t && this.owns(stored.server) ? openIncident(t.state) : null;
      const live = open?.id === id ? open : ((await this.store.getIncident(id)) ?? stored);
      const c = change(live, now);
      if (c.incident === live) return live;
      const acked = live.acknowledgedAt === null && c.incident.acknowledgedAt !== null;
      const extra = acked
        ? planAcknowledgement(c.incident, this.config, now, { ackSecret: this.ackSecret })
        : [];
      if (t && open?.id === id) {
        await this.commit(t, withIncident(t.state, c.incident), c.events, c.incident, now, extra, true);
        return (await this.store.getIncident(id)) ?? c.incident;
      }
      if (this.keeper) return (await this.writeElsewhere([c.incident], c.events, now, extra))[0]!;
      await this.store.writeJudgement({ incidents: [c.incident], outbox: extra });
      if (extra.length > 0) this.worker.kick();
      return c.incident;
    });
  }

  /** The incident a signed acknowledgement link is for, or null when it is forged, malformed or expired. */
  verifyAckToken(token: string): string | null {
    if (!this.ackSecret) return null;
    const v = verifyAckToken(token, this.ackSecret, this.now());
    return v.ok ? v.incidentId : null;
  }

  private async loadAckSecret(): Promise<string> {
    const existing = await this.store.getMeta(ACK_SECRET_KEY);
    if (existing) return existing;
    const secret = randomBytes(32).toString('base64url');
    await this.store.setMeta(ACK_SECRET_KEY, secret);
    return secret;
  }
}

function describe(e: EngineEvent): string {
  switch (e.type) {
    case 'incident_opened':
      return `${e.incident.severity} incident opened`;
    case 'incident_severity_raised':
      return `incident raised to ${e.incident.severity}`;
    case 'incident_status_changed':
      return `incident is now ${e.incident.status}`;
    case 'incident_resolved':
      return 'incident resolved';
    case 'warning_raised':
      return `warning: ${e.warning.message}`;
    case 'warning_cleared':
      return `warning cleared: ${e.warning.rule}`;
  }
}
