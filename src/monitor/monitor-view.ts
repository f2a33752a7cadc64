/**
 * What the web face needs from the running monitor, and nothing more. `mcpwatch serve` implements
 * it over the scheduler, engine, alerts and store; tests implement it over a seeded SQLite store
 * (test/web/seed.ts). web/ never reaches past this interface except to read the Store.
 *
 * Rules for implementers:
 * - Reads are cheap: `summaries()` is called once per dashboard or status page render, for every
 *   server, and must not issue one query per server when the engine already holds the numbers.
 * - Writes go through the monitor (so the engine, alerts and store agree) and return the new state;
 *   `null` means "no such incident/server" (the API answers 404).
 * - Nothing returned here may carry a secret in clear: web/ redacts server headers itself, but
 *   channel health must already be secret-free.
 *
 * Timeline conventions web/ relies on to build public status updates (status/updates.ts):
 * - `opened` starts the incident as `investigating`;
 * - a status change appends `{ kind: 'status', message }` whose message names the new status
 *   (e.g. "identified", or "status changed to monitoring");
 * - the human text of postUpdate() and resolve(…, message) goes in a `{ kind: 'update', message }`
 *   entry with the same `at` as the status change (only these messages are shown publicly as written);
 * - `resolved` closes it. Every other kind (trigger, notification, acknowledged, escalated, …) stays
 *   on the dashboard only.
 */
import type { Config, ServerConfig } from '../config/types.js';
import type { RawServer } from '../config/raw.js';
import type { Incident, IncidentStatus, MaintenanceWindow, ServerSummary } from '../engine/types.js';
import type { Failure, ProbeResult } from '../probe/types.js';
import type { Store } from '../store/store.js';
import type { TelemetryFace } from '../telemetry/telemetry.js';
import type { AgentHubFace } from '../agent/protocol.js';
import type { ToolFacts } from '../engine/types.js';

export type { LatencyPercentiles as Percentiles, SloSummary } from '../engine/types.js';
export { BURN_WINDOWS } from '../engine/types.js';

/** The last stored probe of a server (the monitor keeps it; the engine keeps only its verdict). */
export interface LastProbe {
  at: number;
  region: string;
  ok: boolean;
  durationMs: number;
  failure: Failure | null;
}

/**
 * The engine's public summary plus what only the monitor knows: whether the server is paused (the
 * config), and facts of the last stored probe result. This is the API's ServerSummary component.
 */
export interface MonitorSummary extends ServerSummary {
  paused: boolean;
  /** Days until the TLS certificate expires (negative: expired), aged to now; null for plain HTTP or unknown. */
  tlsDaysRemaining: number | null;
  lastProbe: LastProbe | null;
}

/** Secret-free health of one alert channel, as alerts/ tracks it. */
export interface ChannelHealth {
  name: string;
  type: string;
  /** False when the receiver said the channel is gone (HTTP 410) or it is disabled. */
  enabled: boolean;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Short, secret-free description of the last failure. */
  lastError: string | null;
  /** Messages waiting in the outbox for this channel. */
  pending: number;
}

/** One `serve` instance sharing the store (PostgreSQL), as /healthz and the dashboard show it. */
export interface InstanceSummary {
  id: string;
  host: string;
  pid: number;
  url: string | null;
  startedAt: number;
  heartbeatAt: number;
  /** False once its heartbeat is older than the lease TTL: its leases are free for the others. */
  alive: boolean;
  /** Servers it holds now. */
  leases: string[];
}

/** Who probes and judges which server when several instances share the store. */
export interface ClusterSummary {
  /** This instance's id. */
  self: string;
  instances: InstanceSummary[];
  /** Servers no live instance holds right now (between a death and the takeover). */
  unheld: string[];
}

/** A config problem with a server change, e.g. { path: 'url', message: 'must be http or https' }. */
export interface ChangeProblem {
  path: string;
  message: string;
}

export type ServerChange =
  | { ok: true; server: ServerConfig }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; message: string }
  | { ok: false; reason: 'invalid'; problems: ChangeProblem[] };

/** Who did it, for timelines: "token:<name>" for API and dashboard calls, "ack-link" for signed links. */
export type Actor = string;

export interface MonitorView {
  /** The current config (servers added through the API included). */
  config(): Config;
  readonly store: Store;
  /** The monitor's clock, ms since epoch. */
  now(): number;
  /** Every configured server, in config order. */
  servers(): ServerConfig[];
  /** Current judgement of every server (same order as servers()); one call per page render. */
  summaries(): Promise<MonitorSummary[]>;
  /** One server's judgement; null for an unknown server. */
  summary(server: string): Promise<MonitorSummary | null>;

  /** Incident actions; each appends to the timeline and notifies like the engine would. */
  acknowledge(id: string, by: Actor): Promise<Incident | null>;
  resolve(id: string, by: Actor, message?: string): Promise<Incident | null>;
  postUpdate(id: string, status: IncidentStatus, message: string, by: Actor): Promise<Incident | null>;
  /**
   * Resolves a signed acknowledgement token (alerts/ack-token.ts) to its incident id, or null when it
   * is malformed, forged or expired. The secret stays with the monitor.
   */
  verifyAckToken(token: string): string | null;

  /** Server changes take the YAML shape of a server entry (config/raw.ts), validated like the file. */
  addServer(raw: RawServer): Promise<ServerChange>;
  /** Shallow merge of `patch` into the server's raw entry (`name` cannot change). */
  updateServer(name: string, patch: Partial<RawServer>): Promise<ServerChange>;
  /** Stops monitoring; open incidents are resolved (`by` names who, for their timeline). */
  removeServer(name: string, by?: string): Promise<boolean>;
  pauseServer(name: string, paused: boolean): Promise<ServerChange>;
  /** Probes now, outside the schedule; the result is stored and judged like any other. Null: unknown server. */
  probeNow(name: string): Promise<ProbeResult | null>;

  /** Config windows plus those added through the API. */
  maintenance(): MaintenanceWindow[];
  /** Adds a window (an id is assigned when missing) and returns it as stored. */
  addMaintenance(w: MaintenanceWindow): Promise<MaintenanceWindow>;
  /** False when unknown, or when the window comes from the config file (edit the file instead). */
  removeMaintenance(id: string): Promise<boolean>;

  channelHealth(): ChannelHealth[];

  /** The instances sharing the store and their leases; absent or null when this one is alone (SQLite). */
  cluster?(): Promise<ClusterSummary | null>;

  /** Real traffic (OpenTelemetry): OTLP ingest and per-tool stats; absent, /v1/* is not served. */
  readonly telemetry?: TelemetryFace;
  /** Regional agents (docs/agents.md): their routes, and who is online; absent, /api/v1/agent/* is 404. */
  readonly agents?: AgentHubFace;
  /** The last judgement of a server's tool calls (which tools fail now). */
  toolFacts?(server: string): ToolFacts | null;
}
