/**
 * serializeState / deserializeState: a restarted monitor continues where it stopped — the open
 * incident stays open, windows and baselines are intact, nothing is alerted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, columnOf, D, fail, H, M, ok, prng, rulesFor, Sim, T0 } from './helpers.js';
import { sizeOf } from '../../src/engine/buckets.js';
import { deserializeState, serializeState, summarize } from '../../src/engine/index.js';
import { factsAt } from '../../src/engine/facts.js';
import { FLAG } from '../../src/engine/recent.js';

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
  assert.equal(sizeOf(longer.days), 61);
  // The 31 days kept before are all there.
  assert.equal(columnOf(longer.days, 'keys').filter((k) => k >= 0).length, 31);
  assert.equal(summarize(longer, T0 + 35 * D - M).errorRate['30d'], 0);
});

test('jitter survives a restart: the flagged rounds and the jitter time of the hour ring', () => {
  // Lone failures every 97 minutes and at +7h30m (jitter once their good re-probes came), and a run of
  // two at +7h (not jitter).
  const lone = (t: number): boolean => t % (97 * M) === 0 || t === T0 + 7 * H + 30 * M;
  const sim = new Sim().run(T0, T0 + 8 * H, (t) =>
    lone(t) || (t >= T0 + 7 * H && t < T0 + 7 * H + 30_000) ? fail('http', 'status_5xx') : ok(),
  );
  let count = 0;
  for (let t = T0; t < T0 + 8 * H; t += M) if (lone(t)) count += 1;
  assert.equal(count, 6);
  assert.equal(
    columnOf(sim.state.hours, 'sloJitterMs').reduce((a, b) => a + b, 0),
    count * 15_000,
  );
  const text = serializeState(sim.state);
  const restored = deserializeState(text);
  assert.equal(serializeState(restored), text);
  assert.deepEqual(columnOf(restored.hours, 'sloJitterMs'), columnOf(sim.state.hours, 'sloJitterMs'));
  // Burn rates as alerting reads them, round by round (the last hour, with its flags) and from the
  // hour ring: the run counts, the lone failures do not.
  const now = T0 + 8 * H - M;
  const before = factsAt(sim.state, now);
  const after = factsAt(restored, now);
  for (const w of ['30m', '1h', '6h'] as const) assert.equal(after.burnRate(w), before.burnRate(w), w);
  assert.equal(Math.round(after.burnRate('1h')! * 1000) / 1000, 8.368); // 30 s of 3,585 s
  assert.equal(summarize(restored, now).slo.burnRates['1h'], 12.552); // 45 s: the SLO counts them all
});

test('a state written before the jitter bookkeeping still reads: its past failures count in alerting', () => {
  const sim = new Sim().run(T0, T0 + 8 * H, (t) => (t % (97 * M) === 0 ? fail('http', 'status_5xx') : ok()));
  const data = JSON.parse(serializeState(sim.state)) as {
    recent: { flags: number[] };
    hours: { sloJitterMs?: number[] };
  };
  delete data.hours.sloJitterMs;
  data.recent.flags = data.recent.flags.map((f) => f & ~FLAG.jitter);
  const old = deserializeState(JSON.stringify(data));
  assert.equal(
    columnOf(old.hours, 'sloJitterMs').every((ms) => ms === 0),
    true,
  );
  const now = T0 + 8 * H - M;
  assert.deepEqual(summarize(old, now), summarize(sim.state, now));
  assert.ok(factsAt(old, now).burnRate('6h')! > 0);
  assert.equal(factsAt(sim.state, now).burnRate('6h'), 0);
});

test('a format-1 state (four layers, five latency cells) reads as it was: no tool_call samples', () => {
  const sim = new Sim().run(T0, T0 + 3 * D, (t) =>
    t % (97 * M) === 0
      ? fail('tools_list', 'malformed')
      : t % (89 * M) === 0
        ? fail('initialize', 'timeout')
        : ok(),
  );
  const data = JSON.parse(serializeState(sim.state)) as {
    v: number;
    recent: { latency: string[] };
    hours: { failed: number[] };
    days: { failed: number[] };
  };
  // What format 1 wrote: failed columns with a stride of 4, latency packed in 5 cells.
  data.v = 1;
  for (const ring of [data.hours, data.days])
    ring.failed = ring.failed.map((x, j) => (j % 2 === 0 ? Math.floor(x / 5) * 4 + (x % 5) : x));
  data.recent.latency = data.recent.latency.map((c) => (parseInt(c, 36) % 256 ** 5).toString(36));
  const old = deserializeState(JSON.stringify(data));
  const now = T0 + 3 * D - M;
  assert.deepEqual(summarize(old, now), summarize(sim.state, now));
  assert.equal(serializeState(old), serializeState(sim.state));
  assert.ok(summarize(old, now).errorRateByLayer['24h'].tools_list! > 0);
  assert.equal(summarize(old, now).latencyMs.tool_call.p95, null);
});

test('an unknown format is refused, not guessed', () => {
  assert.throws(() => deserializeState('{"v":99}'), /unknown format 99/);
});

test('a month-old state with an open incident and warnings takes a few KB', () => {
  const rnd = prng(3);
  const sim = new Sim().run(T0, T0 + 30 * D, (t) =>
    rnd() < 0.02 ? fail('transport', 'connect_timeout') : ok({ ms: 80 + (t % 7) * 10 }),
  );
  const bytes = serializeState(sim.state).length;
  assert.ok(bytes < 10_000, `${bytes} bytes`);
});
