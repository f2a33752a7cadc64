/**
 * The engine's state for one server: bounded, plain data, serialisable (codec.ts).
 *
 * - `recent`: the last hour round by round (exact 5 m / 15 m / 30 m / 1 h windows, per-layer latency).
 * - `hours`: 72 hour buckets (6 h, 24 h, 3 d windows; hourly p95s for the 48 h trend; jitter time).
 * - `days`: day buckets covering the SLO window (7 d, 30 d windows; daily latency histograms).
 * - `memory`: consecutive counts, flapping changes, the certificate and tool count last seen.
 * - `triggers`, `incident`, `warnings`: what is active now.
 *
 * Functions of the engine never change a state they are given: they return a new one (sharing what
 * did not change). Incidents and warnings are immutable values.
 */
import type {
  Incident,
  LatencyBaseline,
  LatencyTrend,
  RuleId,
  ServerRules,
  ToolFacts,
  Warning,
} from './types.js';
import { DAY_MS, HOUR_MS } from './tuning.js';
import { cloneRecent, createRecent, recentCapacity, type RecentRing } from './recent.js';
import { cloneBuckets, createBuckets, type BucketRing } from './buckets.js';
import type { FailureFacts } from './verdict.js';

export interface Streaks {
  /** Consecutive good rounds. */
  good: number;
  /** Consecutive failed rounds, whatever the failure. */
  failed: number;
  /** Consecutive hard failures (see verdict.ts). */
  hard: number;
  /** Consecutive soft failures (malformed, invalid_schema, rate_limited). */
  soft: number;
  /** Consecutive http/auth_required failures. */
  auth: number;
  /** Consecutive tool listings with fewer tools than `minTools`. */
  lowTools: number;
}

export interface Memory {
  lastRoundAt: number | null;
  lastRoundFailed: boolean;
  lastGoodAt: number | null;
  lastFailure: (FailureFacts & { at: number }) | null;
  streaks: Streaks;
  /** First failed round of the current failure run. */
  failRunStart: number | null;
  /** Flapping state changes, oldest first (flapping.ts). */
  transitions: number[];
  certValidTo: number | null;
  toolCount: number | null;
  /** The last failure seen in a minority of regions. */
  regional: { at: number; regions: string[]; of: number; failure: FailureFacts } | null;
  /** The last tool-surface change without a version bump (drift.ts). */
  drift: { at: number; message: string; details: Record<string, unknown> } | null;
  /** When the last incident resolved by itself, whether the open one came soon after, when a trigger last held. */
  lastResolvedAt: number | null;
  recurring: boolean;
  lastTriggerAt: number | null;
  /** When the condition of each warning rule with a hold last held (rules/rule.ts `holdMs`). */
  warningHeldAt: Partial<Record<RuleId, number>>;
  /** Cached per day and per hour: they only change when the day or hour does. */
  baseline: LatencyBaseline | null;
  trend: LatencyTrend | null;
  /** The last judgement of real tool calls (OpenTelemetry), for the tool rules; absent in older states. */
  tools?: ToolFacts | null;
}

export interface ActiveMaintenance {
  id: string | null;
  title: string | null;
  start: number;
  end: number;
  excludeFromSlo: boolean;
}

export interface EngineState {
  v: 2;
  rules: ServerRules;
  recent: RecentRing;
  hours: BucketRing;
  days: BucketRing;
  memory: Memory;
  /** The maintenance window the server was last judged in, if any. */
  maintenance: ActiveMaintenance | null;
  /** P1/P2 rules whose condition holds, in rule order. */
  triggers: RuleId[];
  incident: Incident | null;
  warnings: Warning[];
}

const HOUR_BUCKETS = 72;

function dayBuckets(rules: ServerRules): number {
  return Math.max(31, Math.ceil(rules.slo.windowMs / DAY_MS) + 1);
}

function emptyMemory(): Memory {
  return {
    lastRoundAt: null,
    lastRoundFailed: false,
    lastGoodAt: null,
    lastFailure: null,
    streaks: { good: 0, failed: 0, hard: 0, soft: 0, auth: 0, lowTools: 0 },
    failRunStart: null,
    transitions: [],
    certValidTo: null,
    toolCount: null,
    regional: null,
    drift: null,
    lastResolvedAt: null,
    recurring: false,
    lastTriggerAt: null,
    warningHeldAt: {},
    baseline: null,
    trend: null,
    tools: null,
  };
}

export function createState(rules: ServerRules): EngineState {
  return {
    v: 2,
    rules,
    recent: createRecent(recentCapacity(rules.intervalMs)),
    hours: createBuckets(HOUR_MS, HOUR_BUCKETS, { p95: true, jitter: true }),
    days: createBuckets(DAY_MS, dayBuckets(rules), { latency: true }),
    memory: emptyMemory(),
    maintenance: null,
    triggers: [],
    incident: null,
    warnings: [],
  };
}

/** A copy whose rings and memory can be changed without touching `s`. */
export function cloneState(s: EngineState): EngineState {
  return {
    ...s,
    recent: cloneRecent(s.recent),
    hours: cloneBuckets(s.hours),
    days: cloneBuckets(s.days),
    memory: { ...s.memory, streaks: { ...s.memory.streaks } },
    triggers: [...s.triggers],
    warnings: [...s.warnings],
  };
}

export function openIncident(s: EngineState): Incident | null {
  return s.incident;
}

export function activeWarnings(s: EngineState): readonly Warning[] {
  return s.warnings;
}

/**
 * The state with its open incident replaced by the result of a manual action (acknowledge,
 * postUpdate, resolveManually); a resolved incident leaves the state. Other incidents are ignored.
 */
export function withIncident(s: EngineState, incident: Incident): EngineState {
  if (s.incident === null || s.incident.id !== incident.id) return s;
  return { ...s, incident: incident.status === 'resolved' ? null : incident };
}
