/**
 * What the parts of the running monitor share (monitor.ts builds it; judging.ts, commit.ts,
 * housekeeping.ts and the others take it): the collaborators, fixed when the monitor is built, and
 * read-only views of the few values that change, each of which has one owner (the config and the
 * maintenance windows: runtime-config.ts; the acknowledgement secret: incident-actions.ts; the hooks
 * and whether it is stopping: monitor.ts).
 */
import type { DeliveryEvent, DeliveryWorker } from '../alerts/worker.js';
import type { Config } from '../config/types.js';
import type { EngineEvent, Incident, MaintenanceWindow } from '../engine/types.js';
import type { FullProbeOptions } from '../probe/index.js';
import type { ProbeOutcome, ProbeResult } from '../probe/types.js';
import type { Clock, Scheduler } from '../scheduler/index.js';
import type { InstanceIdentity, Leases } from '../store/leases.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { KeyedQueue } from './keyed-queue.js';
import type { LeaseKeeper } from './leases.js';
import type { RegionalJudging } from './regional.js';
import type { ResultWriter } from './result-writer.js';
import type { Scheduled, Tracked } from './tracked.js';

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

export interface MonitorCore {
  readonly store: Store;
  readonly log: Logger;
  readonly clock: Clock;
  /** Every server monitored, by name: its config, engine state and last result. */
  readonly tracked: Map<string, Tracked>;
  /** One task at a time per server: a judgement, a tick and an acknowledgement never interleave. */
  readonly queue: KeyedQueue;
  readonly scheduler: Scheduler<Scheduled>;
  readonly writer: ResultWriter;
  readonly worker: DeliveryWorker;
  readonly regional: RegionalJudging;
  /** Set when the store is shared with other instances. */
  readonly keeper: LeaseKeeper | null;
  /** The config as it stands (runtime changes replace its server list). */
  config(): Config;
  /** The config's maintenance windows and those added through the API. */
  maintenance(): MaintenanceWindow[];
  /** Signs acknowledgement links; null until the monitor has started. */
  ackSecret(): string | null;
  hooks(): MonitorHooks;
  /** Whether stop() was called. */
  stopping(): boolean;
  now(): number;
  /** Whether this instance probes and judges the server (always, unless the store is shared). */
  owns(name: string): boolean;
}
