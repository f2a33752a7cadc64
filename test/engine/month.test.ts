/**
 * A month of probes every 60 s with 2% random lone failures (each confirmed good by a re-probe 15 s
 * later), on a seeded generator: jitter never pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { D, fail, M, ok, prng, rulesFor, Sim, T0 } from './helpers.js';
import { serializeState, summarize } from '../../src/engine/index.js';

function month(target: number): Sim {
  const rnd = prng(42);
  const failing = new Set<number>();
  for (let t = T0; t < T0 + 30 * D; t += M) if (rnd() < 0.02) failing.add(t);
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

test('a month of 2% lone failures opens no P1 (99.9% target)', () => {
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
  // 15 s down per failure is ~0.5% of the time, 5× what 99.9% allows: the budget is spent (227.5 of
  // 43.2 minutes) and the fast burn (6× over 6 h and 30 min) fires as a P2 whenever the 6 hours drift
  // above 6×. The recurrence hold keeps those to about 4 a day (250 without it); the warnings' hold
  // keeps the elevated error rate to 8 (62 without it).
  const s = summarize(sim.state, T0 + 30 * D - M);
  assert.equal(s.slo.consumed, 227.5);
  assert.equal(s.slo.remainingBudget, 0);
  assert.deepEqual(count(sim), {
    'opened P2 slo_fast_burn': 123,
    'resolved P2': 122,
    'status investigating→monitoring': 122,
    'status monitoring→investigating': 3,
    'warning error_rate_elevated': 8,
    'cleared error_rate_elevated': 7,
    'warning success_rate_24h': 1,
    'warning slo_slow_burn': 1,
  });
  assert.ok(serializeState(sim.state).length < 10_000);
});

test('the same month against a 99.5% target: no P1, a P2 only when failures bunch up', () => {
  const sim = month(99.5);
  assert.deepEqual(count(sim), {
    'opened P2 error_rate_15m': 3,
    'status investigating→monitoring': 3,
    'resolved P2': 3,
    'warning error_rate_elevated': 8,
    'cleared error_rate_elevated': 7,
    'warning success_rate_24h': 1,
    'warning slo_slow_burn': 2,
    'cleared slo_slow_burn': 1,
  });
});
