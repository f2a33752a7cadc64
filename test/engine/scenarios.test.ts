/**
 * Scenarios on simulated time, each asserting the whole story exactly: the events (incidents and
 * warnings, with severities and times) and the timeline of every incident.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  between,
  D,
  fail,
  H,
  incidentsOf,
  M,
  ok,
  rel,
  S,
  Sim,
  T0,
  timelineOf,
  type Outcome,
} from './helpers.js';
import type { ToolSnapshot } from '../../src/engine/index.js';
import type { ToolDefinition } from '../../src/probe/types.js';

interface Scenario {
  name: string;
  sim: () => Sim;
  log: string[];
  /** Per incident: `id severity status trigger layer/code`, then its timeline. */
  incidents: string[][];
}

function describeIncidents(sim: Sim): string[][] {
  return incidentsOf(sim).map((i) => [
    `${rel(i.openedAt)} ${i.severity} ${i.status} ${i.trigger} ${i.layer ?? '-'}/${i.code ?? '-'} first failure ${i.firstFailureAt === null ? '-' : rel(i.firstFailureAt)}`,
    ...timelineOf(i),
  ]);
}

/** Short outages of two failed rounds every 6 minutes from 20 min to 80 min, then stable. */
function flappingServer(t: number): Outcome {
  const m = (t - T0) / M;
  return m >= 20 && m < 80 && (m - 20) % 6 < 0.5 ? fail('http', 'status_5xx') : ok();
}

/** tools/list comes back empty at every 4th scheduled probe between 20 and 80 min. */
function intermittentEmptyTools(t: number): Outcome {
  const m = (t - T0) / M;
  return m >= 20 && m < 80 && m % 4 === 0 ? fail('tools_list', 'empty') : ok();
}

const tool = (
  name: string,
  props: Record<string, unknown>,
  description = `${name} things`,
): ToolDefinition => ({
  name,
  description,
  inputSchema: { type: 'object', properties: props },
});
const v1 = (tools: ToolDefinition[], version = '1.0.0'): ToolSnapshot => ({ serverVersion: version, tools });

const SURFACES = {
  a: v1([tool('search', { query: { type: 'string' } }), tool('fetch', { url: { type: 'string' } })]),
  b: v1([
    tool('search', { query: { type: 'string' }, limit: { type: 'integer' } }),
    tool('fetch', { url: { type: 'string' } }),
  ]),
  c: v1([tool('search', { query: { type: 'array' }, limit: { type: 'integer' } })]),
  d: v1(
    [tool('search', { query: { type: 'array' }, limit: { type: 'integer' } }), tool('export', {})],
    '1.1.0',
  ),
};

function driftingSchema(): Sim {
  const sim = new Sim().run(T0, T0 + 30 * M, () => ok());
  const change = (at: number, previous: ToolSnapshot, current: ToolSnapshot): void => {
    sim.round(at, ok({ version: current.serverVersion ?? undefined }), { tools: { previous, current } });
    sim.run(at + M, at + 30 * M, () => ok({ version: current.serverVersion ?? undefined }));
  };
  change(T0 + 30 * M, SURFACES.a, SURFACES.b); // a parameter added, same version: drift
  change(T0 + 60 * M, SURFACES.b, SURFACES.c); // a type changed and a tool removed, same version: new drift
  change(T0 + 90 * M, SURFACES.c, SURFACES.d); // a release (1.1.0): drift explained
  return sim;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'outage: 10 minutes of HTTP 503',
    sim: () => new Sim().run(T0, T0 + 60 * M, between(10 * M, 20 * M, fail('http', 'status_5xx'))),
    log: [
      '+10m30s opened P1 consecutive_failures',
      '+21m status investigating→monitoring',
      '+33m resolved P1',
      '+45m warning error_rate_elevated',
    ],
    incidents: [
      [
        '+10m30s P1 resolved consecutive_failures http/status_5xx first failure +10m',
        '+10m30s opened P1 consecutive_failures',
        '+10m30s trigger error_rate_15m',
        '+12m trigger error_rate_5m',
        '+20m trigger_cleared consecutive_failures',
        '+21m status investigating → monitoring',
        '+23m trigger_cleared error_rate_5m',
        '+33m trigger_cleared error_rate_15m',
        '+33m resolved 14 consecutive good probes and no active trigger',
      ],
    ],
  },
  {
    name: 'slow degradation: after a steady week, p95 doubles every day',
    sim: () => {
      const week = new Sim().run(T0, T0 + 7 * D, () => ok({ ms: 100 }));
      return new Sim(week.state).run(T0 + 7 * D, T0 + 9 * D, (t) =>
        ok({ ms: 100 * 2 ** ((t - T0 - 7 * D) / D) }),
      );
    },
    log: ['+7d18h warning latency_trend', '+7d23h36m opened P2 latency_regression'],
    incidents: [
      [
        '+7d23h36m P2 investigating latency_regression -/- first failure -',
        '+7d23h36m opened P2 latency_regression',
      ],
    ],
  },
  {
    name: 'flapping server: short outages every 6 minutes for an hour',
    sim: () => new Sim().run(T0, T0 + 3 * H, flappingServer),
    log: ['+26m15s opened P2 error_rate_15m', '+39m warning error_rate_elevated', '+1h45m resolved P2'],
    incidents: [
      [
        '+26m15s P2 resolved error_rate_15m http/status_5xx first failure +20m',
        '+26m15s opened P2 error_rate_15m',
        '+26m30s trigger flapping',
        '+1h29m trigger_cleared error_rate_15m',
        '+1h45m trigger_cleared flapping',
        '+1h45m resolved 32 consecutive good probes and no active trigger',
      ],
    ],
  },
  {
    name: 'intermittent empty tools/list: every 4th probe for an hour',
    sim: () => new Sim().run(T0, T0 + 2 * H, intermittentEmptyTools),
    log: [
      '+32m opened P2 error_rate_15m',
      '+33m status investigating→monitoring',
      '+41m warning error_rate_elevated',
      '+1h27m resolved P2',
    ],
    incidents: [
      [
        '+32m P2 resolved error_rate_15m tools_list/empty first failure +20m',
        '+32m opened P2 error_rate_15m',
        '+33m status investigating → monitoring',
        '+1h27m trigger_cleared error_rate_15m',
        '+1h27m resolved 12 consecutive good probes and no active trigger',
      ],
    ],
  },
  {
    name: 'expiring certificate: 14 days out, then expired for 30 minutes, then renewed',
    sim: () => {
      const sim = new Sim().run(T0 + 2 * D - 10 * M, T0 + 2 * D + 10 * M, () => ok({ certDays: 16 }));
      const expired = fail('transport', 'tls_cert_expired', { certDays: 16 });
      const renewed = ok({ certDays: 106 });
      return sim.run(T0 + 16 * D - 10 * M, T0 + 16 * D + 2 * H, (t) =>
        t < T0 + 16 * D ? ok({ certDays: 16 }) : t < T0 + 16 * D + 30 * M ? expired : renewed,
      );
    },
    log: [
      '+2d warning cert_expiring',
      '+16d cleared cert_expiring',
      '+16d opened P1 cert_expired',
      '+16d31m status investigating→monitoring',
      '+16d35m warning error_rate_elevated',
      '+16d43m resolved P1',
    ],
    incidents: [
      [
        '+16d P1 resolved cert_expired transport/tls_cert_expired first failure +16d',
        '+16d opened P1 cert_expired',
        '+16d30s trigger consecutive_failures',
        '+16d30s trigger error_rate_15m',
        '+16d2m trigger error_rate_5m',
        '+16d30m trigger_cleared cert_expired',
        '+16d30m trigger_cleared consecutive_failures',
        '+16d31m status investigating → monitoring',
        '+16d33m trigger_cleared error_rate_5m',
        '+16d43m trigger_cleared error_rate_15m',
        '+16d43m resolved 14 consecutive good probes and no active trigger',
      ],
    ],
  },
  {
    name: 'drifting schema: two changes without a version bump, then a release',
    sim: driftingSchema,
    log: [
      '+30m warning schema_drift',
      '+1h cleared schema_drift',
      '+1h warning schema_drift',
      '+1h30m cleared schema_drift',
    ],
    incidents: [],
  },
];

for (const s of SCENARIOS) {
  test(`scenario: ${s.name}`, () => {
    const sim = s.sim();
    assert.deepEqual(sim.log, s.log);
    assert.deepEqual(describeIncidents(sim), s.incidents);
  });
}

void S;
