/**
 * serializeState / deserializeState: a restarted monitor continues where it stopped — the open
 * incident stays open, windows and baselines are intact, nothing is alerted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, D, fail, M, ok, prng, rulesFor, Sim, T0 } from './helpers.js';
import { deserializeState, serializeState, summarize } from '../../src/engine/index.js';

const outage = between(10 * M, 20 * M, fail('http', 'status_5xx'));

test('restored mid-incident, the engine continues exactly as if it had not stopped', () => {
  const before = new Sim().run(T0, T0 + 15 * M, outage);
  assert.equal(before.state.incident?.status, 'investigating');
  const text = serializeState(before.state);

  const restored = new Sim(deserializeState(text));
  // Reading and writing again gives the same text: nothing is lost or invented.
  assert.equal(serializeState(restored.state), text);
  assert.deepEqual(restored.state.incident, before.state.incident);
  assert.deepEqual(restored.state.triggers, before.state.triggers);

  before.run(T0 + 15 * M, T0 + 60 * M, outage);
  restored.run(T0 + 15 * M, T0 + 60 * M, outage);
  // The same events after the restart, and no second `opened`.
  assert.deepEqual(restored.log, [
    '+21m status investigating→monitoring',
    '+33m resolved P1',
    '+45m warning error_rate_elevated',
  ]);
  assert.deepEqual(before.log.slice(1), restored.log);
  assert.equal(serializeState(restored.state), serializeState(before.state));
  assert.deepEqual(summarize(restored.state, T0 + 60 * M), summarize(before.state, T0 + 60 * M));
});

test('a week of history survives: the latency baseline, the 7-day p95, the SLO numbers', () => {
  const week = new Sim().run(T0, T0 + 8 * D, (t) =>
    t % (97 * M) === 0 ? fail('transport', 'connect_timeout') : ok({ ms: 100 }),
  );
  const restored = deserializeState(serializeState(week.state));
  const now = T0 + 8 * D - M;
  assert.deepEqual(summarize(restored, now), summarize(week.state, now));
  // The 7 complete days before day 8: every good round (lone failures are followed by a good re-probe).
  assert.deepEqual(restored.memory.baseline, {
    dayKey: Math.floor((T0 + 7 * D) / D),
    p95: 107.6,
    samples: 10080,
  });
});

test('rules given when reading replace the stored ones and resize the rings', () => {
  const sim = new Sim().run(T0, T0 + 35 * D, () => ok());
  const text = serializeState(sim.state);
  const longer = deserializeState(text, rulesFor({ slo: { windowMs: 60 * D } }));
  assert.equal(longer.rules.slo.windowMs, 60 * D);
  assert.equal(longer.days.keys.length, 61);
  // The 31 days kept before are all there.
  assert.equal(longer.days.keys.filter((k) => k >= 0).length, 31);
  assert.equal(summarize(longer, T0 + 35 * D - M).errorRate['30d'], 0);
});

test('an unknown format is refused, not guessed', () => {
  assert.throws(() => deserializeState('{"v":2}'), /unknown format 2/);
});

test('a month-old state with an open incident and warnings takes a few KB', () => {
  const rnd = prng(3);
  const sim = new Sim().run(T0, T0 + 30 * D, (t) =>
    rnd() < 0.02 ? fail('transport', 'connect_timeout') : ok({ ms: 80 + (t % 7) * 10 }),
  );
  const bytes = serializeState(sim.state).length;
  assert.ok(bytes < 10_000, `${bytes} bytes`);
});
