import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { realClock } from '../../src/scheduler/real-clock.js';
import { T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

test('a server added at runtime is probed from its next slot on', async () => {
  const h = harness();
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 90_000);
  h.scheduler.add(server('late', { region: 'eu-west' }));
  const next = h.scheduler.inspect('late')?.nextDueAt ?? 0;
  assert.ok(next >= T0 + 90_000 && next < T0 + 150_000);
  await h.clock.advanceTo(T0 + 300_000);
  const calls = h.callsOf('late');
  assert.equal(calls[0]?.startedAt, next);
  assert.ok(calls.every((c, i) => c.startedAt === next + i * 60_000));
  assert.equal(h.scheduler.stats().servers, 1);
  await h.finish();
});

test('the region label reaches runProbe', async () => {
  const regions: string[] = [];
  const h = harness();
  const scheduler = new Scheduler(
    {
      now: h.clock.now,
      setTimer: h.clock.setTimer,
      clearTimer: h.clock.clearTimer,
      runProbe: async (_s, slot) => {
        regions.push(slot.region);
        return { ok: true };
      },
    },
    { concurrency: 2 },
  );
  scheduler.add(server('a', { region: 'us-east' }));
  scheduler.add(server('b'));
  await scheduler.probeNow('a');
  await scheduler.probeNow('b');
  assert.deepEqual(regions, ['us-east', 'local']);
  await scheduler.stop();
});

test('remove: no more probes; a probe in flight finishes', async () => {
  const h = harness(() => ({ durationMs: 5000 }));
  h.scheduler.add(server('gone'));
  h.scheduler.start();
  const at = T0 + (h.scheduler.inspect('gone')?.offsetMs ?? 0);
  await h.clock.advanceTo(at + 1000);
  assert.equal(h.scheduler.remove('gone'), true);
  assert.equal(h.scheduler.remove('gone'), false);
  assert.equal(h.scheduler.stats().inFlight, 1);
  await h.clock.advance(10 * 60_000);
  assert.equal(h.callsOf('gone').length, 1);
  assert.equal(h.scheduler.stats().inFlight, 0);
  assert.equal(h.scheduler.inspect('gone'), null);
  // The name is free again.
  h.scheduler.add(server('gone'));
  await h.finish();
});

test('pause and resume', async () => {
  const h = harness();
  h.scheduler.add(server('p'));
  h.scheduler.start();
  const offset = h.scheduler.inspect('p')?.offsetMs ?? 0;
  await h.clock.advanceTo(T0 + offset + 60_000);
  assert.equal(h.calls.length, 2);
  h.scheduler.pause('p');
  assert.equal(h.scheduler.inspect('p')?.nextDueAt, null);
  assert.equal(h.scheduler.stats().paused, 1);
  await h.clock.advanceTo(T0 + offset + 5 * 60_000 + 1);
  assert.equal(h.calls.length, 2);
  h.scheduler.resume('p');
  await h.clock.advanceTo(T0 + offset + 7 * 60_000);
  assert.deepEqual(
    h.startsOf('p').map((ms) => ms / 60_000),
    [0, 1, 6, 7],
  );
  await h.finish();
});

test('pausing during confirmation drops the confirmation', async () => {
  const h = harness(() => ({ ok: false, durationMs: 1000 }));
  h.scheduler.add(server('p'));
  h.scheduler.start();
  const offset = h.scheduler.inspect('p')?.offsetMs ?? 0;
  await h.clock.advanceTo(T0 + offset + 2000);
  assert.equal(h.scheduler.inspect('p')?.confirming, true);
  h.scheduler.pause('p');
  await h.clock.advance(10 * 60_000);
  assert.equal(h.calls.length, 1);
  await h.finish();
});

test('update: a new interval moves the server to the new grid without drift', async () => {
  const h = harness();
  h.scheduler.add(server('u'));
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 120_000);
  h.scheduler.update(server('u', { intervalMs: 30_000 }));
  const offset = h.scheduler.inspect('u')?.offsetMs ?? -1;
  assert.ok(offset >= 0 && offset < 30_000);
  const before = h.calls.length;
  await h.clock.advanceTo(T0 + 300_000);
  const after = h.calls.slice(before);
  assert.equal(after.length, 6);
  after.forEach((c, i) => assert.equal(c.startedAt, T0 + 120_000 + offset + i * 30_000));
  assert.throws(() => h.scheduler.update(server('nope')), /not scheduled/);
  await h.finish();
});

test('probeNow runs at once, or joins the probe already running', async () => {
  const h = harness((_n, call) => ({ durationMs: 3000, ok: call !== 2 }));
  h.scheduler.add(server('now'));
  const first = h.scheduler.probeNow('now');
  const joined = h.scheduler.probeNow('now');
  assert.equal(h.calls.length, 1);
  assert.equal(h.calls[0]?.kind, 'manual');
  assert.equal(h.calls[0]?.latenessMs, 0);
  await h.clock.advance(3000);
  assert.deepEqual(await first, { ok: true });
  assert.deepEqual(await joined, { ok: true });
  const second = h.scheduler.probeNow('now');
  await h.clock.advance(3000);
  assert.deepEqual(await second, { ok: false });
  assert.equal(h.scheduler.stats().manual, 2);
  await assert.rejects(h.scheduler.probeNow('missing'), /not scheduled/);
  await h.finish();
});

test('bad servers and options are refused', () => {
  const h = harness();
  h.scheduler.add(server('dup'));
  assert.throws(() => h.scheduler.add(server('dup')), /already scheduled/);
  assert.throws(() => h.scheduler.add(server('zero', { intervalMs: 0 })), /intervalMs must be > 0/);
  assert.throws(
    () => h.scheduler.add(server('nan', { confirmEveryMs: Number.NaN })),
    /confirmEveryMs must be > 0/,
  );
  assert.throws(() => h.scheduler.add(server('cf', { confirmFailures: 0 })), /confirmFailures/);
  assert.throws(() => h.scheduler.add(server('')), /needs a name/);
  const runProbe = async () => ({ ok: true });
  assert.throws(() => new Scheduler({ ...realClock, runProbe }, { concurrency: 0 }), /concurrency/);
});

test('the real clock drives a real probe', async () => {
  const scheduler = new Scheduler({ ...realClock, runProbe: async () => ({ ok: true }) }, { concurrency: 1 });
  scheduler.add(server('real', { intervalMs: 1000, confirmEveryMs: 500 }));
  scheduler.start();
  assert.deepEqual(await scheduler.probeNow('real'), { ok: true });
  await scheduler.stop();
});
