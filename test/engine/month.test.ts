/**
 * A month of probes every 60 s with 2% random lone failures (each confirmed good by a re-probe 15 s
 * later), on a seeded generator: jitter never pages, and never burns the alerting error budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { D, fail, M, ok, prng, rulesFor, Sim, T0 } from './helpers.js';
import { serializeState, summarize } from '../../src/engine/index.js';

/** The scheduled slots that fail. */
const FAILING = ((): Set<number> => {
  const rnd = prng(42);
  const failing = new Set<number>();
  for (let t = T0; t < T0 + 30 * D; t += M) if (rnd() < 0.02) failing.add(t);
  return failing;
})();

function month(target: number): Sim {
  const failing = FAILING;
  assert.equal(failing.size, 910);
  return new Sim(rulesFor({ slo: { target } })).run(T0, T0 + 30 * D, (t) =>
    failing.has(t) ? fail('transport', 'connect_timeout') : ok(),
  );
}

function count(sim: Sim): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of sim.log) {
    const what = line.split(' ').slice(1).join(' ');
    out[what] = (out[what] ?? 0) + 1;
  }
  return out;
}

/** Every 15 minutes holding at least `n` of the failing slots, by the time of the last of them. */
function bunches(failing: Set<number>, n: number): number[] {
  const sorted = [...failing].sort((a, b) => a - b);
  return sorted.filter((t, i) => i >= n - 1 && t - sorted[i - n + 1]! < 15 * M);
}

test('a month of 2% lone failures: no P1, and the SLO rules alert none of it (99.9% target)', () => {
  const sim = month(99.9);
  const events = sim.events.map((e) => e.event);
  assert.equal(events.filter((e) => e.type === 'incident_opened' && e.incident.severity === 'P1').length, 0);
  assert.equal(events.filter((e) => e.type === 'incident_severity_raised').length, 0);
  assert.equal(
    sim.triggerLog.filter((l) =>
      / on (consecutive_failures|error_rate_5m|cert_expired|auth_changed)$/.test(l),
    ).length,
    0,
  );
  // Every failure is isolated (jitter): burn-rate alerting leaves all of them out, so neither the fast
  // burn (P2; it opened 123 incidents, ~4 a day, when jitter counted) nor the slow burn (P3) fires.
  assert.equal(sim.firstOn('slo_fast_burn'), null);
  assert.equal(sim.firstOn('slo_slow_burn'), null);
  // The SLO's own numbers still count every failure: 15 s down per failure is ~0.5% of the time, 5×
  // what 99.9% allows, and the budget is spent (227.5 of 43.2 minutes).
  const s = summarize(sim.state, T0 + 30 * D - M);
  assert.equal(s.slo.consumedMinutes, 227.5);
  assert.equal(s.slo.remainingBudget, 0);
  assert.deepEqual(s.slo.burnRates, { '5m': 0, '30m': 8.621, '1h': 4.237, '6h': 6.964, '3d': 4.804 });
  // What is left is the 15-minute error rate, which counts every failed round (DESIGN: ≥ 20% over
  // 15 min is a P2): the three times 4 failures fell within 15 minutes (4 of 19 rounds, 21%). It does
  // not depend on the target: the same three P2s as at 99.5% below.
  const opened = sim.events.filter((e) => e.event.type === 'incident_opened').map((e) => e.at);
  assert.deepEqual(opened, bunches(FAILING, 4));
  assert.deepEqual(count(sim), {
    'opened P2 error_rate_15m': 3,
    'status investigating→monitoring': 3,
    'resolved P2': 3,
    'warning error_rate_elevated': 8,
    'cleared error_rate_elevated': 7,
    'warning success_rate_24h': 1,
  });
  assert.ok(serializeState(sim.state).length < 10_000);
});

test('the same month against a 99.5% target: no P1, a P2 only when failures bunch up', () => {
  const sim = month(99.5);
  // The slow-burn warning (2 raised, 1 cleared when jitter counted) is gone: every failure is jitter.
  assert.deepEqual(count(sim), {
    'opened P2 error_rate_15m': 3,
    'status investigating→monitoring': 3,
    'resolved P2': 3,
    'warning error_rate_elevated': 8,
    'cleared error_rate_elevated': 7,
    'warning success_rate_24h': 1,
  });
});
