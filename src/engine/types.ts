/**
 * The engine's vocabulary: what it judges (server rules), what it keeps (incidents, warnings) and
 * what it announces (events). Shared by store/, alerts/ and web/; the engine itself stays pure.
 */
import type { ErrorCode, LayerName, ProbeResult, ToolDefinition } from '../probe/types.js';

/** Severities, most urgent first: P1 and P2 open incidents, P3 are warnings (docs/engine.md). */
export const SEVERITIES = ['P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** The severities an incident can have. */
export const INCIDENT_SEVERITIES = ['P1', 'P2'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
/** An incident's status, in the order it moves through them. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** The statuses a person can set by posting an update (resolving is its own action). */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
/** A server's state, as `status --json`, the API and the pages show it. */
export const SERVER_STATES = ['up', 'degraded', 'down', 'unknown', 'maintenance'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

/** Window names used everywhere (API, CLI, store rollups). */
export const WINDOWS = ['5m', '15m', '1h', '24h', '7d', '30d'] as const;
export type WindowName = (typeof WINDOWS)[number];
export const WINDOW_MS: Record<WindowName, number> = {
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** Stable identifiers of the rules in the DESIGN table. */
export type RuleId =
  | 'consecutive_failures' // P1: N consecutive failures at transport/http/initialize, tools_list empty|timeout
  | 'cert_expired' // P1
  | 'error_rate_5m' // P1: >= 60% over 5 min
  | 'error_rate_15m' // P2: >= 20% over 15 min
  | 'latency_regression' // P2: p95 >= 2x the 7-day p95 baseline
  | 'flapping' // P2
  | 'too_few_tools' // P2
  | 'consecutive_soft_failures' // P2: 3 consecutive malformed/invalid_schema/rate_limited
  | 'slo_fast_burn' // P2: 14.4x over 1h and 5m, or 6x over 6h and 30m
  | 'auth_changed' // P1: a server that answered now says 401 (half-configured auth)
  | 'cert_expiring' // P3: expires within 14 days
  | 'latency_trend' // P3: p95 trending up over 48 h
  | 'schema_drift' // P3: tool schema changed without a server version bump
  | 'error_rate_elevated' // P3: elevated below P2
  | 'success_rate_24h' // P3: 95-99% over 24 h
  | 'slo_slow_burn' // P3: 1x over 3 d and 6 h
  | 'regional_failure' // P3: failures seen in a minority of regions
  | 'tool_error_rate' // P2: a tool's error rate in real traffic (OpenTelemetry) passed its threshold
  | 'tool_calls_failing' // P1: every tool call of the server failed (OpenTelemetry)
  | 'channel_failing' // P3, raised by the monitor (not the engine): an alert channel keeps failing
  | 'agent_offline' // P3, raised by the monitor: a regional agent has gone silent (its region leaves the quorum)
  | 'source_failing'; // raised by a registry source's sync: the registry is down or answers garbage

export interface TimelineEntry {
  at: number; // ms since epoch
  kind:
    | 'opened'
    | 'severity_raised'
    | 'trigger'
    | 'trigger_cleared'
    | 'status'
    | 'update'
    | 'notification'
    | 'acknowledged'
    | 'escalated'
    | 'resolved'
    | 'postmortem';
  message: string;
}

export interface Incident {
  id: string;
  server: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** The rule that opened it (the first trigger). */
  trigger: RuleId;
  /** Rules active right now. */
  activeTriggers: RuleId[];
  layer: LayerName | null;
  code: ErrorCode | null;
  openedAt: number;
  /** The first failed probe that led to this incident (for "time to alert"). */
  firstFailureAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** When someone first said the cause is known (acknowledgement or an `identified` update). */
  identifiedAt?: number | null;
  resolvedAt: number | null;
  failedProbes: number;
  lastGoodAt: number | null;
  timeline: TimelineEntry[];
}

/** A P3 finding: shown and digested, never paged. */
export interface Warning {
  id: string;
  server: string;
  rule: RuleId;
  message: string;
  openedAt: number;
  clearedAt: number | null;
  details?: Record<string, unknown>;
}

export type EngineEvent =
  | { type: 'incident_opened'; incident: Incident }
  | { type: 'incident_severity_raised'; incident: Incident; from: IncidentSeverity }
  | { type: 'incident_status_changed'; incident: Incident; from: IncidentStatus }
  | { type: 'incident_resolved'; incident: Incident }
  | { type: 'warning_raised'; warning: Warning }
  | { type: 'warning_cleared'; warning: Warning };

export interface MaintenanceWindow {
  id?: string;
  servers: string[] | 'all';
  start: number;
  end: number;
  title?: string;
  /** Leave this window out of SLO accounting (default true). */
  excludeFromSlo: boolean;
}

/** Everything the engine needs to judge one server: the config's server entry with defaults applied. */
export interface ServerRules {
  name: string;
  intervalMs: number;
  confirmEveryMs: number;
  /** Consecutive failed probes that open a P1 (default 3). */
  confirmFailures: number;
  /** Consecutive good probes that resolve (default 2). */
  recoverSuccesses: number;
  minTools: number | null;
  auth: 'none' | 'required';
  slo: {
    /** Percent, e.g. 99.9. */
    target: number;
    windowMs: number;
    /** Layers whose failure counts as unavailable (default all four). */
    layers: LayerName[];
    /** Minimum probes in a burn-rate window before it can fire (default 10). */
    minSamples: number;
  };
  thresholds: {
    errorRate5mP1: number; // 0.6
    errorRate15mP2: number; // 0.2
    errorRateElevatedP3: number; // 0.05 over 1 h
    latencyRegressionFactor: number; // 2
    latencyTrendFactor: number; // 1.5 over 48 h
    certExpiringDays: number; // 14
    flappingTransitions: number; // state changes in flappingWindowMs that mean flapping (default 4)
    flappingWindowMs: number; // 30 min
    softFailures: number; // 3
    successRate24hLow: number; // 0.95
    successRate24hHigh: number; // 0.99
  };
}

/** A tool whose error rate in real traffic passed its threshold (telemetry/tool-rules.ts). */
export interface FailingTool {
  tool: string;
  calls: number;
  errors: number;
  errorRate: number;
  threshold: number;
}

/**
 * What the tool-call telemetry (OpenTelemetry spans and metrics) says about a server, as judged by
 * telemetry/tool-rules.ts with its hysteresis; the tool rules (rules/tools.ts) read it from memory.
 */
export interface ToolFacts {
  /** When it was judged. */
  at: number;
  /** The window the counts are over. */
  windowMs: number;
  /** Tools over their threshold, worst first. */
  failing: FailingTool[];
  /** Every call of the server failed (enough of them). */
  allFailing: { calls: number; errors: number } | null;
}

// ---------------------------------------------------------------------------------------------
// The engine's inputs and outputs (src/engine/): what the monitor hands in and what it reads back.

/** The results of one scheduled probe slot: one per region that probed (one for a single region). */
export interface Round {
  /** When the slot's probes started (ms since epoch): places the round in the windows. */
  at: number;
  results: ProbeResult[];
}

/** A tool surface as the store keeps it: what schema-drift judgement compares. */
export interface ToolSnapshot {
  serverVersion: string | null;
  tools: ToolDefinition[];
}

export interface ObserveContext {
  /** Evaluation time (ms since epoch): stamps incidents, warnings and timeline entries. */
  now: number;
  /** Maintenance windows (the engine keeps those that cover this server at the time judged). */
  maintenance?: readonly MaintenanceWindow[];
  /** Only when the tool fingerprint changed: the surface before (null for the first) and the new one. */
  tools?: { previous: ToolSnapshot | null; current: ToolSnapshot };
  /**
   * The caller gives up the state it passes: it is updated and returned instead of copied. For an
   * owner that never looks at the old state again (the monitor): replacing every server's rings on
   * every probe would otherwise leave megabytes of old-generation garbage a minute.
   */
  inPlace?: boolean;
}

/** Windows of the burn rates (SLO): the pairs of the fast and slow burn rules. */
export const BURN_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type BurnWindowName = (typeof BURN_WINDOWS)[number];

export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface SloSummary {
  /** Percent, e.g. 99.9. */
  target: number;
  windowMs: number;
  /** The unavailable share of the window's time the target allows: 1 - target/100 (0.001 for 99.9). */
  budget: number;
  /** The share of the budget spent so far: 0 untouched, 1 exhausted, above 1 overspent. */
  consumed: number;
  /** The budget in minutes of unavailable time over the whole window (43.2 for 99.9% over 30 days). */
  budgetMinutes: number;
  /** Minutes of unavailable time in the window so far. */
  consumedMinutes: number;
  /** Share of the budget left, 0..1 (never below 0). */
  remainingBudget: number;
  /** Unavailable share of the time in each window divided by the share the target allows; null without samples. */
  burnRates: Record<BurnWindowName, number | null>;
  /** When the budget runs out if the last 6 h burn continues (nothing ageing out); null when not burning. */
  projectedExhaustionAt: number | null;
}

/**
 * One server's judgement, the one public summary: `status --json` (a subset, engine/status-entry.ts),
 * the API's ServerSummary (with what the monitor adds: monitor/monitor-view.ts MonitorSummary), the
 * dashboard, the status pages and the MCP face. Rates are failed / total rounds, 0..1 (maintenance
 * left out); null when the window holds no rounds.
 */
export interface ServerSummary {
  server: string;
  /** See engine/summary.ts for the rules (maintenance, paused, stale, down, degraded, up). */
  state: ServerState;
  /** The failure of the last round, when it failed. */
  failure: { layer: LayerName; code: ErrorCode } | null;
  /** When the open incident opened; null without one. */
  since: number | null;
  lastProbeAt: number | null;
  errorRate: Record<WindowName, number | null>;
  /** Rounds whose first failure was at the layer / total rounds, per window: the four add up to errorRate. */
  errorRateByLayer: Record<WindowName, Record<LayerName, number | null>>;
  /** p95 of the whole probe's duration (good rounds). */
  p95Ms: { '1h': number | null; '7d': number | null };
  /** p50/p95/p99 over the last hour: the whole probe (`total`) and each layer. */
  latencyMs: Record<LayerName | 'total', LatencyPercentiles>;
  slo: SloSummary;
  openIncidentId: string | null;
  /** How many warnings (P3) are active. */
  activeWarnings: number;
  /** The maintenance window in force, when state is 'maintenance'. */
  maintenance: { title: string | null; end: number } | null;
}

/** The 7 complete days before today that the regression rule compares with. */
export interface LatencyBaseline {
  dayKey: number;
  p95: number | null;
  samples: number;
}

/** The least-squares trend of the hourly p95s over the last 48 complete hours. */
export interface LatencyTrend {
  hourKey: number;
  /** Fitted p95 at the end of the span / at its start; null without enough hours. */
  ratio: number | null;
  hours: number;
}
