/**
 * Simulated time for the engine's tests: ProbeResult builders, rules from the config's defaults, and
 * a small driver that feeds rounds the way the scheduler does (every interval; after a failure,
 * confirmation re-probes every 15 s until 3 consecutive failures or a success) and logs every event
 * as one line with its time relative to T0.
 */
import { DEFAULTS } from '../../src/config/defaults.js';
import type { ErrorCode, LayerName, ProbeResult } from '../../src/probe/types.js';
import {
  createState,
  observe,
  tick,
  type EngineEvent,
  type EngineState,
  type Incident,
  type MaintenanceWindow,
  type ObserveContext,
  type RuleId,
  type ServerRules,
} from '../../src/engine/index.js';
import { formatDuration } from '../../src/util/duration.js';
import type { Column } from '../../src/engine/columns.js';

/** Monday 2025-01-06 00:00 UTC: day and hour buckets start here. */
export const T0 = Date.UTC(2025, 0, 6);
export const S = 1_000;
export const M = 60_000;
export const H = 3_600_000;
export const D = 86_400_000;

type Overrides = Partial<Omit<ServerRules, 'slo' | 'thresholds'>> & {
  slo?: Partial<ServerRules['slo']>;
  thresholds?: Partial<ServerRules['thresholds']>;
};

/** The config's defaults for a server named `svc`, with overrides. */
export function rulesFor(o: Overrides = {}): ServerRules {
  return {
    name: 'svc',
    intervalMs: DEFAULTS.intervalMs,
    confirmEveryMs: DEFAULTS.confirm.everyMs,
    confirmFailures: DEFAULTS.confirm.failures,
    recoverSuccesses: DEFAULTS.recover.successes,
    minTools: 1,
    auth: 'none',
    ...o,
    slo: { ...DEFAULTS.slo, layers: [...DEFAULTS.slo.layers], ...o.slo },
    thresholds: { ...DEFAULTS.thresholds, ...o.thresholds },
  };
}

export interface ResultOpts {
  /** Whole-probe duration, ms (default 100). */
  ms?: number;
  tools?: number;
  /** Certificate expiry: days after `certFrom` (default T0). */
  certDays?: number;
  certFrom?: number;
  version?: string;
  region?: string;
}

const LAYER_ORDER: LayerName[] = ['transport', 'http', 'initialize', 'tools_list'];

function layers(failedAt: LayerName | null, total: number): ProbeResult['layers'] {
  const failedIndex = failedAt ? LAYER_ORDER.indexOf(failedAt) : 99;
  const status = (l: LayerName): 'ok' | 'failed' | 'skipped' => {
    const i = LAYER_ORDER.indexOf(l);
    return i < failedIndex ? 'ok' : i === failedIndex ? 'failed' : 'skipped';
  };
  // The whole probe split 10/30/40/20 between the layers.
  const share: Record<LayerName, number> = {
    transport: 0.1,
    http: 0.3,
    initialize: 0.4,
    tools_list: 0.2,
    tool_call: 0,
  };
  const d = (l: LayerName): number | null =>
    status(l) === 'skipped' ? null : Math.round(total * share[l] * 10) / 10;
  return {
    transport: {
      status: status('transport'),
      durationMs: d('transport'),
      dnsMs: 1,
      connectMs: 1,
      tlsMs: null,
      address: '127.0.0.1',
    },
    http: {
      status: status('http'),
      durationMs: d('http'),
      statusCode: failedAt === 'transport' ? null : 200,
      ttfbMs: null,
    },
    initialize: { status: status('initialize'), durationMs: d('initialize') },
    tools_list: { status: status('tools_list'), durationMs: d('tools_list') },
  };
}

function base(o: ResultOpts, failure: ProbeResult['failure']): ProbeResult {
  const ms = o.ms ?? 100;
  const certFrom = o.certFrom ?? T0;
  const r: ProbeResult = {
    url: 'https://svc.example/mcp',
    region: o.region ?? 'local',
    startedAt: new Date(T0).toISOString(),
    durationMs: ms,
    ok: failure === null,
    transport: 'streamable-http',
    protocolVersion: '2025-11-25',
    failure,
    layers: layers(failure?.layer ?? null, ms),
    server: { name: 'svc', version: o.version ?? '1.0.0' },
    warnings: [],
  };
  if (o.certDays !== undefined) {
    r.tls = {
      validFrom: new Date(certFrom - 60 * D).toISOString(),
      validTo: new Date(certFrom + o.certDays * D).toISOString(),
      daysRemaining: o.certDays,
      authorized: true,
    };
  }
  if (failure === null) {
    const n = o.tools ?? 3;
    r.tools = {
      count: n,
      fingerprint: `sha256:${n}`,
      items: Array.from({ length: n }, (_, i) => ({ name: `tool${i}`, inputSchemaHash: `h${i}` })),
    };
  }
  return r;
}

export function ok(o: ResultOpts = {}): ProbeResult {
  return base(o, null);
}

export function fail(layer: LayerName, code: ErrorCode, o: ResultOpts = {}): ProbeResult {
  return base(o, { layer, code, message: `${layer} failed: ${code}` });
}

/** A 401 with a proper Bearer challenge: the probe sets auth.required. */
export function authRequired(o: ResultOpts = {}): ProbeResult {
  const r = fail('http', 'auth_required', o);
  r.failure!.httpStatus = 401;
  r.auth = {
    required: true,
    scheme: 'Bearer',
    resourceMetadata: 'https://svc.example/.well-known/oauth-protected-resource',
  };
  return r;
}

/** "+10m30s" for T0 + 10.5 min. */
/** The values of one column of an engine ring (columns.ts), in slot order. */
export function columnOf<N extends string>(
  ring: { view: DataView; columns: { readonly [K in N]: Column | null } },
  name: N,
): number[] {
  const column = ring.columns[name];
  if (!column) throw new Error(`the ring has no ${name} column`);
  return column.values(ring.view);
}

export function rel(at: number): string {
  return `+${formatDuration(at - T0)}`;
}

export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'incident_opened':
      return `opened ${e.incident.severity} ${e.incident.trigger}`;
    case 'incident_severity_raised':
      return `raised ${e.from}→${e.incident.severity}`;
    case 'incident_status_changed':
      return `status ${e.from}→${e.incident.status}`;
    case 'incident_resolved':
      return `resolved ${e.incident.severity}`;
    case 'warning_raised':
      return `warning ${e.warning.rule}`;
    case 'warning_cleared':
      return `cleared ${e.warning.rule}`;
  }
}

export type Outcome = ProbeResult | ProbeResult[];

/** Feeds rounds to the engine and keeps a log of events and of trigger changes. */
export class Sim {
  state: EngineState;
  readonly log: string[] = [];
  readonly events: { at: number; event: EngineEvent }[] = [];
  /** `+time on|off rule` for every P1/P2 trigger change. */
  readonly triggerLog: string[] = [];
  maintenance: MaintenanceWindow[] = [];
  /** Consecutive failures, as the scheduler counts them for confirmation re-probes. */
  private failures = 0;
  /** Time of the last round fed. */
  last = T0;

  constructor(from: ServerRules | EngineState = rulesFor()) {
    this.state = 'v' in from ? from : createState(from);
    this.failures = this.state.memory.streaks.failed;
  }

  get rules(): ServerRules {
    return this.state.rules;
  }

  /** One round at `at`. */
  round(at: number, outcome: Outcome, extra: Partial<ObserveContext> = {}): EngineEvent[] {
    const results = Array.isArray(outcome) ? outcome : [outcome];
    const before = this.state.triggers;
    const r = observe(this.state, { at, results }, { now: at, maintenance: this.maintenance, ...extra });
    this.accept(at, before, r.state, r.events);
    this.last = at;
    return r.events;
  }

  tick(now: number): EngineEvent[] {
    const before = this.state.triggers;
    const r = tick(this.state, now, { maintenance: this.maintenance });
    this.accept(now, before, r.state, r.events);
    return r.events;
  }

  private accept(at: number, before: RuleId[], state: EngineState, events: EngineEvent[]): void {
    for (const id of state.triggers) if (!before.includes(id)) this.triggerLog.push(`${rel(at)} on ${id}`);
    for (const id of before) if (!state.triggers.includes(id)) this.triggerLog.push(`${rel(at)} off ${id}`);
    this.state = state;
    for (const e of events) {
      this.events.push({ at, event: e });
      this.log.push(`${rel(at)} ${describeEvent(e)}`);
    }
  }

  /**
   * Rounds on the interval grid from `from` (inclusive) to `to` (exclusive), as the scheduler runs
   * them: after a failure, re-probes every confirmEveryMs until confirmFailures consecutive
   * failures or a success (never past the next slot).
   */
  run(from: number, to: number, outcome: (at: number) => Outcome): this {
    const { intervalMs, confirmEveryMs, confirmFailures } = this.rules;
    for (let slot = from; slot < to; slot += intervalMs) {
      let at = slot;
      for (;;) {
        const o = outcome(at);
        this.round(at, o);
        const failed = this.state.memory.lastRoundFailed;
        this.failures = failed ? this.failures + 1 : 0;
        const next = at + confirmEveryMs;
        if (!failed || this.failures >= confirmFailures || next >= slot + intervalMs || next >= to) break;
        at = next;
      }
    }
    return this;
  }

  /** The first time a rule switched on (trigger or warning), or null. */
  firstOn(rule: RuleId): string | null {
    const t = this.triggerLog.find((l) => l.endsWith(` on ${rule}`));
    if (t) return t.split(' ')[0]!;
    const w = this.log.find((l) => l.endsWith(` warning ${rule}`));
    return w ? w.split(' ')[0]! : null;
  }
}

/** Outcome by time: `bad` inside [from, to) (relative to T0), `good` elsewhere. */
export function between(
  from: number,
  to: number,
  bad: Outcome,
  good: Outcome = ok(),
): (at: number) => Outcome {
  return (at) => (at - T0 >= from && at - T0 < to ? bad : good);
}

/** A seeded xorshift32 generator in [0, 1): reproducible random failures. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Every incident the simulation saw, in its latest version, oldest first. */
export function incidentsOf(sim: Sim): Incident[] {
  const latest = new Map<string, Incident>();
  for (const { event } of sim.events) if ('incident' in event) latest.set(event.incident.id, event.incident);
  if (sim.state.incident) latest.set(sim.state.incident.id, sim.state.incident);
  return [...latest.values()].sort((a, b) => a.openedAt - b.openedAt);
}

/** An incident's timeline as `+time kind what` lines (the rule, the status move; not the numbers). */
export function timelineOf(i: Incident): string[] {
  return i.timeline.map((e) => {
    const what =
      e.kind === 'opened'
        ? e.message.split(':')[0]
        : e.kind === 'trigger'
          ? e.message.split(':')[0]
          : e.kind === 'trigger_cleared'
            ? e.message.split(' ')[0]
            : e.kind === 'status'
              ? e.message.split(':')[0]
              : e.message;
    return `${rel(e.at)} ${e.kind} ${what}`;
  });
}
