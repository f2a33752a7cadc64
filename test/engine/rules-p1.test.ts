/**
 * P1 rules: each fires at the right moment as a P1, and its near-miss does not fire. Every case
 * asserts the whole event log, so a rule that fires elsewhere or too early shows up too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authRequired, between, D, fail, M, ok, rulesFor, S, Sim, T0, type Outcome } from './helpers.js';
import { summarize, type RuleId } from '../../src/engine/index.js';

interface Case {
  name: string;
  rule: RuleId;
  sim: () => Sim;
  /** When the rule switches on (relative to T0), or null for a near-miss. */
  on: string | null;
  log: string[];
}

/** Rounds at explicit minutes (no confirmation re-probes), failing at the listed ones. */
function rounds(count: number, failAt: number[], stepMs = M, bad: Outcome = fail('http', 'status_5xx')): Sim {
  const sim = new Sim();
  for (let i = 0; i < count; i++) sim.round(T0 + i * stepMs, failAt.includes(i) ? bad : ok());
  return sim;
}

const CASES: Case[] = [
  {
    name: '3 consecutive failures at http open a P1 at the third',
    rule: 'consecutive_failures',
    sim: () => new Sim().run(T0, T0 + 22 * M, between(10 * M, 20 * M, fail('http', 'status_5xx'))),
    on: '+10m30s',
    // Good again from 20m: monitoring at the second good round (the 15-minute rate still holds).
    log: ['+10m30s opened P1 consecutive_failures', '+21m status investigating→monitoring'],
  },
  {
    name: 'near-miss: one failure then a success is jitter',
    rule: 'consecutive_failures',
    sim: () => new Sim().run(T0, T0 + 30 * M, between(10 * M, 10 * M + 1, fail('http', 'status_5xx'))),
    on: null,
    log: [],
  },
  {
    name: 'near-miss: two failures then a success',
    rule: 'consecutive_failures',
    sim: () =>
      new Sim().run(T0, T0 + 30 * M, between(10 * M, 10 * M + 30 * S, fail('transport', 'connect_refused'))),
    on: null,
    log: [],
  },
  {
    name: 'tools_list empty three times is an outage',
    rule: 'consecutive_failures',
    sim: () => new Sim().run(T0, T0 + 11 * M, between(10 * M, 20 * M, fail('tools_list', 'empty'))),
    on: '+10m30s',
    log: ['+10m30s opened P1 consecutive_failures'],
  },
  {
    name: 'tools_list timeout three times is an outage',
    rule: 'consecutive_failures',
    sim: () => new Sim().run(T0, T0 + 11 * M, between(10 * M, 20 * M, fail('tools_list', 'timeout'))),
    on: '+10m30s',
    log: ['+10m30s opened P1 consecutive_failures'],
  },
  {
    name: 'near-miss: three malformed tool lists are soft (P2, not P1)',
    rule: 'consecutive_failures',
    sim: () => new Sim().run(T0, T0 + 11 * M, between(10 * M, 20 * M, fail('tools_list', 'malformed'))),
    on: null,
    log: ['+10m30s opened P2 consecutive_soft_failures'],
  },
  {
    name: 'an expired certificate seen by a probe is a P1 at once',
    rule: 'cert_expired',
    sim: () => new Sim().run(T0, T0 + 11 * M, between(10 * M, 20 * M, fail('transport', 'tls_cert_expired'))),
    on: '+10m',
    log: ['+10m opened P1 cert_expired'],
  },
  {
    name: 'a certificate counted down on ticks expires at its notAfter',
    rule: 'cert_expired',
    sim: () => {
      const sim = new Sim().run(T0, T0 + 10 * M, () => ok({ certDays: 20 }));
      sim.tick(T0 + 6 * D);
      sim.tick(T0 + 20 * D - 1);
      sim.tick(T0 + 20 * D);
      return sim;
    },
    on: '+20d',
    log: ['+6d warning cert_expiring', '+20d cleared cert_expiring', '+20d opened P1 cert_expired'],
  },
  {
    name: 'near-miss: a certificate renewed before its notAfter',
    rule: 'cert_expired',
    sim: () => {
      const sim = new Sim().run(T0, T0 + 10 * M, () => ok({ certDays: 20 }));
      sim.round(T0 + 19 * D, ok({ certDays: 90 }));
      sim.tick(T0 + 20 * D);
      return sim;
    },
    on: null,
    log: [],
  },
  {
    name: '60% of the rounds of 5 minutes failed (3 of 5)',
    rule: 'error_rate_5m',
    sim: () => rounds(10, [5, 7, 9]),
    on: '+9m',
    log: ['+9m opened P1 error_rate_5m'],
  },
  {
    name: 'near-miss: 59% over 5 minutes (10 of 17) is no P1',
    rule: 'error_rate_5m',
    // O O O F F O F F O F F O F F O F F, every 15 s: the rate never reaches 60% on the way.
    sim: () => rounds(17, [3, 4, 6, 7, 9, 10, 12, 13, 15, 16], 15 * S),
    on: null,
    log: ['+2m opened P2 flapping'],
  },
  {
    name: 'a server that answered, now asking for authorization, is a P1 auth change',
    rule: 'auth_changed',
    sim: () => new Sim().run(T0, T0 + 11 * M, between(10 * M, 20 * M, authRequired())),
    on: '+10m30s',
    log: ['+10m30s opened P1 auth_changed'],
  },
  {
    name: 'near-miss: a server that never answered without authorization is simply down',
    rule: 'auth_changed',
    sim: () => new Sim().run(T0, T0 + 2 * M, () => authRequired()),
    on: null,
    log: ['+30s opened P1 consecutive_failures'],
  },
];

for (const c of CASES) {
  test(`P1 ${c.rule}: ${c.name}`, () => {
    const sim = c.sim();
    assert.equal(sim.firstOn(c.rule), c.on);
    assert.deepEqual(sim.log, c.log);
  });
}

test('P1 auth: a server expected behind auth that answers a proper 401 challenge is healthy', () => {
  const sim = new Sim(rulesFor({ auth: 'required' })).run(T0, T0 + 30 * M, () => authRequired());
  assert.deepEqual(sim.log, []);
  const s = summarize(sim.state, T0 + 30 * M);
  assert.equal(s.state, 'up');
  assert.equal(s.errorRate['15m'], 0);
});

test('P1 auth: behind auth, a 401 without a proper challenge still fails', () => {
  const bare = fail('http', 'auth_required');
  const sim = new Sim(rulesFor({ auth: 'required' })).run(T0, T0 + 2 * M, () => bare);
  assert.deepEqual(sim.log, ['+30s opened P1 consecutive_failures']);
});
