/**
 * Window triggers (error_rate_5m, error_rate_15m, slo_fast_burn) switch on only at a round that
 * failed. Their windows keep an outage's failures long after it ended, and a window can cross its
 * threshold late — as its minimum-sample guard fills with the good rounds after a recovery — which
 * used to open a second incident on a healthy server, paging for an outage already resolved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, fail, incidentsOf, M, ok, rel, rulesFor, S, Sim, T0, timelineOf } from './helpers.js';

/** The example config's cadence: a probe every 30 s, re-probes every 10 s after a failure. */
const fast = (): Sim => new Sim(rulesFor({ intervalMs: 30 * S, confirmEveryMs: 10 * S }));
const down = fail('http', 'status_5xx');

/** P1/P2 triggers that switched on at or after `from`. */
function switchedOnSince(sim: Sim, from: number): string[] {
  return sim.triggerLog.filter((l) => l.includes(' on ') && T0 + parseRel(l.split(' ')[0]!) >= from);
}

/** "+1h2m30s" back to ms. */
function parseRel(s: string): number {
  const unit: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: M, s: S };
  let ms = 0;
  for (const [, n, u] of s.matchAll(/(\d+)([dhms])/g)) ms += Number(n) * unit[u!]!;
  return ms;
}

test('an outage then recovery opens one incident: the windows it leaves do not page again', () => {
  // Down from +30s to +6m30s (6 minutes), then healthy for 40 minutes and a half. The 15-minute
  // window's guard (24 rounds) fills only after the recovery, still holding the outage's failures: it
  // used to open a new P2 error_rate_15m at +10m30s, after the P1 had resolved.
  const sim = fast().run(T0, T0 + 47 * M, between(30 * S, 6 * M + 30 * S, down));
  assert.deepEqual(sim.log, [
    '+50s opened P1 consecutive_failures',
    '+7m status investigating→monitoring',
    '+10m resolved P1',
    // A P3 (digest and dashboard, never paged): the hour's guard fills 40 minutes after the recovery.
    // Warnings are outside this rule.
    '+46m30s warning error_rate_elevated',
  ]);
  const incidents = incidentsOf(sim);
  assert.equal(incidents.length, 1);
  assert.deepEqual(timelineOf(incidents[0]!), [
    '+50s opened P1 consecutive_failures',
    '+2m30s trigger error_rate_5m',
    '+6m30s trigger_cleared consecutive_failures',
    '+7m status investigating → monitoring',
    '+10m trigger_cleared error_rate_5m',
    '+10m resolved 8 consecutive good probes and no active trigger',
  ]);
  // error_rate_15m's condition held after the recovery, but no round failed to switch it on.
  assert.deepEqual(switchedOnSince(sim, T0 + 6 * M + 30 * S), []);
  assert.equal(sim.state.incident, null);
  assert.deepEqual(sim.state.triggers, []);
});

test('whenever the outage starts and however long it lasts: one incident, resolved, nothing after', () => {
  for (const start of [0, 30 * S, M, 2 * M, 3 * M, 10 * M]) {
    for (const length of [90 * S, 2 * M, 3 * M, 4 * M, 5 * M, 6 * M]) {
      const end = start + length;
      const sim = fast().run(T0, T0 + end + 40 * M, between(start, end, down));
      const what = `down ${rel(T0 + start)} to ${rel(T0 + end)}`;
      const incidents = incidentsOf(sim);
      assert.deepEqual(
        incidents.map((i) => `${i.severity} ${i.trigger} ${i.status}`),
        ['P1 consecutive_failures resolved'],
        what,
      );
      assert.deepEqual(switchedOnSince(sim, T0 + end), [], what);
    }
  }
});

test('near-miss: a degraded server (3 rounds in 10 failing, each alone) still opens a P2 error_rate_15m', () => {
  // Slots 1, 4 and 7 of every 10 fail, each followed by a good re-probe: 23% of the rounds of 15 min.
  const failing = (t: number): boolean => [1, 4, 7].includes(((t - T0) / (30 * S)) % 10);
  const sim = fast().run(T0, T0 + 30 * M, (t) => (failing(t) ? down : ok()));
  // The rate reached 20% when the guard filled, at the good re-probe of +8m40s; it switches on at the
  // next failed round.
  assert.deepEqual(sim.log, ['+10m30s opened P2 error_rate_15m', '+11m status investigating→monitoring']);
  assert.ok(failing(T0 + 10 * M + 30 * S));
  assert.deepEqual(sim.state.triggers, ['error_rate_15m']);
});
