/**
 * summarize(): the numbers `status --json` shows, checked exactly on a known hour of probes: error
 * rates per window and per layer, latency percentiles per layer, the SLO budget and burn rates, and
 * the server state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, fail, H, M, ok, rulesFor, Sim, T0 } from './helpers.js';
import { createState, summarize } from '../../src/engine/index.js';

/** An hour at 60 s, 100 ms a probe, with lone failures at 10 min (transport), 20 and 30 (http), 40 (tools_list). */
function knownHour(): Sim {
  const failures = new Map([
    [T0 + 10 * M, fail('transport', 'connect_timeout')],
    [T0 + 20 * M, fail('http', 'status_5xx')],
    [T0 + 30 * M, fail('http', 'status_5xx')],
    [T0 + 40 * M, fail('tools_list', 'empty')],
  ]);
  return new Sim().run(T0, T0 + 60 * M, (t) => failures.get(t) ?? ok({ ms: 100 }));
}

test('error rates per window and per layer: failed rounds / rounds', () => {
  const s = summarize(knownHour().state, T0 + 59 * M);
  // 60 scheduled rounds + 4 re-probes; 4 failed.
  assert.deepEqual(s.errorRate, {
    '5m': 0,
    '15m': 0,
    '1h': 4 / 64,
    '24h': 4 / 64,
    '7d': 4 / 64,
    '30d': 4 / 64,
  });
  // Per window, the rounds whose first failure was at each layer: 1 transport, 2 http, 1 tools_list.
  const byLayer = (n: number) => ({
    transport: n / 64,
    http: (2 * n) / 64,
    initialize: 0,
    tools_list: n / 64,
    tool_call: 0,
  });
  assert.deepEqual(s.errorRateByLayer, {
    '5m': byLayer(0),
    '15m': byLayer(0),
    '1h': byLayer(1),
    '24h': byLayer(1),
    '7d': byLayer(1),
    '30d': byLayer(1),
  });
});

test('latency percentiles per layer over the last hour, read from log buckets', () => {
  const s = summarize(knownHour().state, T0 + 59 * M);
  // 100 ms probes split 10/30/40/20 ms between the layers; each value is its bucket's upper bound.
  assert.deepEqual(s.latencyMs, {
    total: { p50: 107.6, p95: 107.6, p99: 107.6 },
    transport: { p50: 10.4, p95: 10.4, p99: 10.4 },
    http: { p50: 32, p95: 32, p99: 32 },
    initialize: { p50: 41.5, p95: 41.5, p99: 41.5 },
    tools_list: { p50: 20.7, p95: 20.7, p99: 20.7 },
    tool_call: { p50: null, p95: null, p99: null },
  });
  assert.deepEqual(s.p95Ms, { '1h': 107.6, '7d': 107.6 });
});

test('SLO: budget, consumption by time, burn rates and projected exhaustion', () => {
  const now = T0 + 59 * M;
  const s = summarize(knownHour().state, now);
  // Each lone failure costs the 15 s until its good re-probe: 1 minute in all.
  assert.deepEqual(s.slo, {
    target: 99.9,
    windowMs: 30 * 24 * H,
    // Shares: 0.1% of the time may be unavailable; 1 of those 43.2 minutes is spent.
    budget: 0.001,
    consumed: 0.023148,
    budgetMinutes: 43.2,
    consumedMinutes: 1,
    remainingBudget: 0.976852,
    // 60 s unavailable out of 3,540 s counted so far (the newest round's time is counted when the next comes).
    burnRates: { '5m': 0, '30m': 17.241, '1h': 16.949, '6h': 16.949, '3d': 16.949 },
    // 42.2 minutes left, spent at 60/3540 of the time: in 149,388 s.
    projectedExhaustionAt: now + 149_388_000,
  });
  assert.equal(s.activeWarnings, 1);
  assert.deepEqual(
    knownHour().state.warnings.map((w) => w.rule),
    ['error_rate_elevated'],
  );
  assert.equal(s.openIncidentId, null);
});

test('state: up, down, degraded, unknown and maintenance', () => {
  assert.equal(summarize(createState(rulesFor()), T0).state, 'unknown');

  const outage = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, fail('http', 'status_5xx')));
  const down = summarize(outage.state, T0 + 11 * M);
  assert.equal(down.state, 'down');
  assert.deepEqual(down.failure, { layer: 'http', code: 'status_5xx' });
  assert.equal(down.openIncidentId, `svc-${T0 + 10 * M + 30_000}`);
  // Nothing heard for more than 3 intervals: unknown.
  assert.equal(summarize(outage.state, T0 + 11 * M + 3 * M + 1).state, 'unknown');

  // One failure, not yet confirmed: still up (it may be jitter), with the failure shown.
  const one = new Sim().run(T0, T0 + 10 * M, () => ok());
  one.round(T0 + 10 * M, fail('http', 'status_5xx'));
  const unconfirmed = summarize(one.state, T0 + 10 * M);
  assert.equal(unconfirmed.state, 'up');
  assert.deepEqual(unconfirmed.failure, { layer: 'http', code: 'status_5xx' });

  const soft = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, fail('tools_list', 'malformed')));
  assert.equal(summarize(soft.state, T0 + 10 * M + 30_000).state, 'degraded');

  const m = new Sim();
  m.maintenance = [{ servers: 'all', start: T0, end: T0 + H, excludeFromSlo: true }];
  m.run(T0, T0 + 5 * M, () => ok());
  assert.equal(summarize(m.state, T0 + 5 * M).state, 'maintenance');
  assert.equal(summarize(m.state, T0 + H).state, 'unknown');
});
