import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded, T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

test('no drift over 1,000 intervals with probe durations of 0-5 s', async () => {
  const random = seeded(42);
  const h = harness(() => ({ durationMs: Math.floor(random() * 5000) }));
  const names = ['alpha', 'beta', 'gamma', 'delta'];
  for (const name of names) h.scheduler.add(server(name));
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 1000 * 60_000);
  for (const name of names) {
    const calls = h.callsOf(name);
    assert.equal(calls.length, 1000, name);
    const offset = h.scheduler.inspect(name)?.offsetMs ?? -1;
    calls.forEach((call, n) => {
      // Slot n is at offset + n·interval, exactly; the probe started on time.
      assert.equal(call.startedAt, T0 + offset + n * 60_000, `${name} probe ${n}`);
      assert.equal(call.kind, 'scheduled');
      assert.equal(call.latenessMs, 0);
    });
  }
  const stats = h.scheduler.stats();
  assert.equal(stats.skippedSlots, 0);
  assert.equal(stats.started, 4000);
  assert.deepEqual(stats.lateness, { samples: 4000, p50: 0, p99: 0, max: 0 });
  await h.finish();
});

test('a probe still running at its next slot skips that slot, counts it, and the grid holds', async () => {
  // Probe 2 takes 150 s: slots 3 and 4 come while it runs (at +60 s and +120 s of its start).
  const h = harness((_name, n) => ({ durationMs: n === 2 ? 150_000 : 1000 }));
  h.scheduler.add(server('slow'));
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 10 * 60_000);
  const starts = h.startsOf('slow').map((ms) => ms / 60_000);
  assert.deepEqual(starts, [0, 1, 4, 5, 6, 7, 8, 9]);
  assert.equal(h.scheduler.stats().skippedSlots, 2);
  assert.equal(h.scheduler.inspect('slow')?.skippedSlots, 2);
  await h.finish();
});

test('slots missed while the process was suspended count as skipped; the latest one runs', async () => {
  const h = harness();
  h.scheduler.add(server('sleeper'));
  h.scheduler.start();
  const offset = h.scheduler.inspect('sleeper')?.offsetMs ?? 0;
  await h.clock.advanceTo(T0 + offset);
  assert.equal(h.calls.length, 1);
  // The process is suspended for 11 minutes: no timer fires until it wakes, 500 ms after slot 11.
  h.clock.jump(11 * 60_000 + 500);
  await h.clock.advance(0);
  assert.equal(h.calls.length, 2);
  const woke = h.calls[1];
  assert.equal(woke?.dueAt, T0 + offset + 11 * 60_000);
  assert.equal(woke?.latenessMs, 500);
  assert.equal(h.scheduler.stats().skippedSlots, 10);
  // Back on the grid afterwards.
  await h.clock.advanceTo(T0 + offset + 12 * 60_000);
  assert.equal(h.calls[2]?.startedAt, T0 + offset + 12 * 60_000);
  await h.finish();
});
