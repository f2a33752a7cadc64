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
import type {
  Incident,
  IncidentStatus,
  MaintenanceWindow,
  ServerState,
  WindowName,
} from '../engine/types.js';
import type { ErrorCode, Failure, LayerName, ProbeResult } from '../probe/types.js';
import type { Store } from '../store/store.js';
import type { TelemetryFace } from '../telemetry/telemetry.js';
import type { AgentHubFace } from '../agent/protocol.js';
import type { ToolFacts } from '../engine/types.js';

/** Latency percentiles in ms; null when there were no ok samples. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Burn-rate windows of the multi-window SLO alerts (DESIGN: 5m/1h, 30m/6h, 6h/3d). */
export const BURN_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export interface SloSummary {
  /** Percent, e.g. 99.9. */
  target: number;
  windowMs: number;
  /** Allowed unavailable fraction over the window: 1 - target/100 (0.001 for 99.9). */
  budget: number;
  /** Fraction of the budget spent so far (0 = untouched, 1 = exhausted, >1 = overspent). */
  consumed: number;
  /** 1 - consumed: what `status --json` prints as slo.remainingBudget. */
  remainingBudget: number;
  /** Error rate / budget per window; null when the window has too few samples. */
  burnRates: Record<BurnWindow, number | null>;
  /** When the budget runs out at the current 1 h burn rate (ms), null when not burning. */
  projectedExhaustionAt: number | null;
}

export interface LastProbe {
  at: number;
  region: string;
  ok: boolean;
  durationMs: number;
  failure: Failure | null;
}

/**
 * One server's current judgement: DESIGN's `status --json` entry (server, state, failure, errorRate,
 * p95Ms, slo) plus what the dashboard shows. Error rates are failed/total probes (0..1); null when
 * the window holds no probes.
 */
export interface ServerSummary {
  server: string;
  state: ServerState;
  failure: { layer: LayerName; code: ErrorCode } | null;
  /** When the current state began (ms since epoch), null when unknown. */
  since: number | null;
  paused: boolean;
  errorRate: Record<WindowName, number | null>;
  /** failedByLayer/total per window: which layer fails, and how often. */
  errorRateByLayer: Record<WindowName, Record<LayerName, number | null>>;
  p95Ms: { '1h': number | null; '7d': number | null };
  /** p50/p95/p99 over the last hour, whole probe and per layer. */
  latencyMs: Record<'total' | LayerName, Percentiles>;
  slo: SloSummary;
  openIncidentId: string | null;
  activeWarnings: number;
  /** Days until the TLS certificate expires (negative: expired); null for plain HTTP or unknown. */
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
  summaries(): Promise<ServerSummary[]>;
  /** One server's judgement; null for an unknown server. */
  summary(server: string): Promise<ServerSummary | null>;

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

  /** Real traffic (OpenTelemetry): OTLP ingest and per-tool stats; absent, /v1/* is not served. */
  readonly telemetry?: TelemetryFace;
  /** Regional agents (docs/agents.md): their routes, and who is online; absent, /api/v1/agent/* is 404. */
  readonly agents?: AgentHubFace;
  /** The last judgement of a server's tool calls (which tools fail now). */
  toolFacts?(server: string): ToolFacts | null;
}
