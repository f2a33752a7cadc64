/**
 * P3 rules: warnings (never incidents) raised at the right moment, and their near-misses. Every case
 * asserts the whole event log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { D, fail, H, M, ok, Sim, T0, type Outcome } from './helpers.js';
import type { RuleId, ToolSnapshot } from '../../src/engine/index.js';
import type { ToolDefinition } from '../../src/probe/types.js';

interface Case {
  name: string;
  rule: RuleId;
  sim: () => Sim;
  on: string | null;
  log: string[];
}

const down = fail('http', 'status_5xx');

/** A lone failure (then a good re-probe) at each listed minute. */
function loneFailures(minutes: number[]): (t: number) => Outcome {
  const set = new Set(minutes.map((m) => T0 + m * M));
  return (t) => (set.has(t) ? down : ok());
}

/** Two failed rounds (a failure and its re-probe 15 s later, then a good one) at each listed minute. */
function shortOutages(minutes: number[]): (t: number) => Outcome {
  return (t) => (minutes.some((m) => t - T0 >= m * M && t - T0 < m * M + 30_000) ? down : ok());
}

function every(stepMinutes: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let m = from; m < to; m += stepMinutes) out.push(m);
  return out;
}

const search = (props: Record<string, unknown>): ToolDefinition => ({
  name: 'search',
  inputSchema: { type: 'object', properties: props, required: ['query'] },
});

function surface(version: string, tool: ToolDefinition): ToolSnapshot {
  return { serverVersion: version, tools: [tool] };
}

function driftSim(nextVersion: string): Sim {
  const sim = new Sim().run(T0, T0 + 10 * M, () => ok());
  const before = surface('1.0.0', search({ query: { type: 'string' } }));
  const after = surface(nextVersion, search({ query: { type: 'string' }, limit: { type: 'integer' } }));
  sim.round(T0 + 10 * M, ok({ version: nextVersion }), { tools: { previous: before, current: after } });
  return sim.run(T0 + 11 * M, T0 + 20 * M, () => ok({ version: nextVersion }));
}

const CASES: Case[] = [
  {
    name: 'a certificate 14 days from expiry, counted down on ticks',
    rule: 'cert_expiring',
    sim: () => {
      const sim = new Sim().run(T0, T0 + 10 * M, () => ok({ certDays: 20 }));
      sim.tick(T0 + 6 * D - 1);
      sim.tick(T0 + 6 * D);
      return sim;
    },
    on: '+6d',
    log: ['+6d warning cert_expiring'],
  },
  {
    name: 'near-miss: renewed a day earlier',
    rule: 'cert_expiring',
    sim: () => {
      const sim = new Sim().run(T0, T0 + 10 * M, () => ok({ certDays: 20 }));
      sim.round(T0 + 5 * D, ok({ certDays: 90 }));
      sim.tick(T0 + 6 * D);
      return sim;
    },
    on: null,
    log: [],
  },
  {
    name: 'p95 doubling over 48 hours is a rising trend once 36 hours are known',
    rule: 'latency_trend',
    sim: () => new Sim().run(T0, T0 + 37 * H, (t) => ok({ ms: 100 * 2 ** ((t - T0) / (48 * H)) })),
    on: '+1d12h',
    log: ['+1d12h warning latency_trend'],
  },
  {
    name: 'near-miss: p95 up 1.3× over 48 hours',
    rule: 'latency_trend',
    sim: () => new Sim().run(T0, T0 + 49 * H, (t) => ok({ ms: 100 * 1.3 ** ((t - T0) / (48 * H)) })),
    on: null,
    log: [],
  },
  {
    name: 'the tool schema changed without a server version bump',
    rule: 'schema_drift',
    sim: () => driftSim('1.0.0'),
    on: '+10m',
    log: ['+10m warning schema_drift'],
  },
  {
    name: 'near-miss: the same change with a version bump is a release',
    rule: 'schema_drift',
    sim: () => driftSim('1.1.0'),
    on: null,
    log: [],
  },
  {
    name: 'error rate elevated: 4 failed rounds of 64 in the last hour (6.3%)',
    rule: 'error_rate_elevated',
    sim: () => new Sim().run(T0, T0 + 2 * H, loneFailures([60, 75, 90, 105])),
    on: '+1h45m',
    log: ['+1h45m warning error_rate_elevated'],
  },
  {
    name: 'near-miss: 3 of 63 in any hour (4.8%)',
    rule: 'error_rate_elevated',
    sim: () => new Sim().run(T0, T0 + 3 * H, loneFailures(every(20, 60, 180))),
    on: null,
    log: [],
  },
  {
    name: 'success rate of 98% over 24 hours (a lone failure every 50 minutes)',
    rule: 'success_rate_24h',
    sim: () => new Sim().run(T0, T0 + 26 * H, loneFailures(every(50, 25, 26 * 60))),
    // The first moment the 24 h window holds 80% of its rounds (1,152: 1,129 scheduled + 23 re-probes).
    on: '+18h48m',
    log: ['+18h48m warning success_rate_24h'],
  },
  {
    name: 'near-miss: 99.2% over 24 hours (a lone failure every 2 hours)',
    rule: 'success_rate_24h',
    sim: () => new Sim().run(T0, T0 + 26 * H, loneFailures(every(120, 25, 26 * 60))),
    on: null,
    log: [],
  },
  // Burn-rate alerting leaves isolated failures (jitter) out: the slow-burn cases fail in runs of two.
  {
    name: 'slow burn: 2× over 3 days and 6 hours (30 s down every 4 hours: two failed rounds)',
    rule: 'slo_slow_burn',
    sim: () => new Sim().run(T0, T0 + 3 * D, shortOutages(every(240, 25, 3 * 24 * 60))),
    // The first moment the 3 d window holds 80% of its rounds (3,456).
    on: '+2d9h5m',
    log: ['+2d9h5m warning slo_slow_burn'],
  },
  {
    name: 'near-miss: 0.8× over 3 days (30 s down every 10 hours)',
    rule: 'slo_slow_burn',
    sim: () => new Sim().run(T0, T0 + 3 * D, shortOutages(every(600, 25, 3 * 24 * 60))),
    on: null,
    log: [],
  },
  {
    name: 'near-miss: lone failures are jitter (15 s down every 2 hours: 2× if they counted)',
    rule: 'slo_slow_burn',
    sim: () => new Sim().run(T0, T0 + 3 * D, loneFailures(every(120, 25, 3 * 24 * 60))),
    on: null,
    log: [],
  },
  {
    name: 'one region of three failing is a regional warning, not an outage',
    rule: 'regional_failure',
    sim: () =>
      new Sim().run(T0, T0 + 40 * M, (t) =>
        t - T0 >= 10 * M && t - T0 < 20 * M
          ? [
              ok({ region: 'eu' }),
              ok({ region: 'us' }),
              fail('transport', 'connect_timeout', { region: 'ap' }),
            ]
          : [ok({ region: 'eu' }), ok({ region: 'us' }), ok({ region: 'ap' })],
      ),
    on: '+10m',
    // Cleared 15 minutes after the last minority failure (19m).
    log: ['+10m warning regional_failure', '+34m cleared regional_failure'],
  },
  {
    name: 'near-miss: two regions of three failing is the server failing (quorum)',
    rule: 'regional_failure',
    sim: () =>
      new Sim().run(T0, T0 + 11 * M, (t) =>
        t - T0 >= 10 * M
          ? [
              ok({ region: 'eu' }),
              fail('http', 'status_5xx', { region: 'us' }),
              fail('http', 'status_5xx', { region: 'ap' }),
            ]
          : [ok({ region: 'eu' }), ok({ region: 'us' }), ok({ region: 'ap' })],
      ),
    on: null,
    log: ['+10m30s opened P1 consecutive_failures'],
  },
  {
    name: 'one of two regions failing is not a majority',
    rule: 'regional_failure',
    sim: () =>
      new Sim().run(T0, T0 + 11 * M, (t) =>
        t - T0 >= 10 * M
          ? [ok({ region: 'eu' }), fail('http', 'status_5xx', { region: 'us' })]
          : [ok({ region: 'eu' }), ok({ region: 'us' })],
      ),
    on: '+10m',
    log: ['+10m warning regional_failure'],
  },
];

for (const c of CASES) {
  test(`P3 ${c.rule}: ${c.name}`, () => {
    const sim = c.sim();
    assert.equal(sim.firstOn(c.rule), c.on);
    assert.deepEqual(sim.log, c.log);
  });
}

test('P3 findings are warnings: none of the P3 cases opens an incident', () => {
  for (const c of CASES.filter((c) => c.on !== null)) {
    const sim = c.sim();
    assert.equal(sim.events.filter((e) => e.event.type === 'incident_opened').length, 0, c.name);
  }
});
