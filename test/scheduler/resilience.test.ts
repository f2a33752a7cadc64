import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { FakeClock, settle, T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

test('probes that throw or reject do not stop the scheduler; they count as failed', async () => {
  const h = harness((name) =>
    name === 'thrower' ? 'throw' : name === 'rejecter' ? 'reject' : { durationMs: 1000 },
  );
  for (const name of ['thrower', 'rejecter', 'healthy'])
    h.scheduler.add(server(name, { confirmFailures: 1 }));
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 10 * 60_000);
  for (const name of ['thrower', 'rejecter', 'healthy']) {
    assert.deepEqual(
      h.startsOf(name).map((ms) => ms / 60_000),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      name,
    );
  }
  const stats = h.scheduler.stats();
  assert.equal(stats.errors, 20);
  assert.equal(stats.failed, 20);
  assert.equal(stats.inFlight, 0);
  assert.equal(h.errors.length, 20);
  assert.match(String(h.errors[0]), /throws|rejects/);
  await h.finish();
});

test('a throwing probe still gets its confirmation re-probes', async () => {
  const h = harness(() => 'throw');
  h.scheduler.add(server('broken'));
  h.scheduler.start();
  await h.clock.advance(2 * 60_000);
  assert.deepEqual(
    h
      .startsOf('broken')
      .slice(0, 4)
      .map((ms) => ms / 1000),
    [0, 15, 30, 60],
  );
  await h.finish();
});

test('a probe that never settles is abandoned after its timeout plus grace, and the slot is freed', async () => {
  const h = harness((name, n) => (name === 'hangs' && n === 1 ? 'hang' : { durationMs: 500 }), {
    concurrency: 1,
    abandonGraceMs: 2000,
  });
  h.scheduler.add(server('hangs', { timeoutMs: 10_000, confirmFailures: 1 }));
  h.scheduler.start();
  const start = T0 + (h.scheduler.inspect('hangs')?.offsetMs ?? 0);
  await h.clock.advanceTo(start + 11_999);
  assert.equal(h.scheduler.stats().inFlight, 1);
  const signal = h.calls[0]?.signal;
  assert.equal(signal?.aborted, false);
  await h.clock.advanceTo(start + 12_000);
  assert.equal(signal?.aborted, true);
  const stats = h.scheduler.stats();
  assert.equal(stats.abandoned, 1);
  assert.equal(stats.failed, 1);
  assert.equal(stats.inFlight, 0);
  await h.clock.advanceTo(start + 3 * 60_000);
  assert.deepEqual(
    h.startsOf('hangs').map((ms) => ms / 60_000),
    [0, 1, 2, 3],
  );
  await h.finish();
});

test('an onError that throws does not stop the scheduler either', async () => {
  const clock = new FakeClock(T0);
  let probes = 0;
  const scheduler = new Scheduler(
    {
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      runProbe: async () => {
        probes++;
        throw new Error('probe bug');
      },
      onError: () => {
        throw new Error('logger bug');
      },
    },
    { concurrency: 4 },
  );
  scheduler.add(server('x', { confirmFailures: 1 }));
  scheduler.start();
  await clock.advance(5 * 60_000);
  assert.equal(probes, 5);
  await scheduler.stop();
});

test('stop() waits for probes in flight, drops queued ones and starts nothing more', async () => {
  const h = harness(() => ({ durationMs: 7000 }), { concurrency: 1 });
  for (let i = 0; i < 5; i++) h.scheduler.add(server(`s-${i}`));
  void h.scheduler.probeNow('s-0');
  void h.scheduler.probeNow('s-1').catch(() => 'dropped');
  assert.equal(h.scheduler.stats().queued, 1);
  let stopped = false;
  const stopping = h.scheduler.stop().then(() => {
    stopped = true;
  });
  await h.clock.advance(6999);
  assert.equal(stopped, false, 'still waiting for the probe in flight');
  await h.clock.advance(1);
  await settle();
  assert.equal(stopped, true);
  await stopping;
  await h.clock.advance(10 * 60_000);
  assert.deepEqual(
    h.calls.map((c) => c.name),
    ['s-0'],
  );
  assert.equal(h.clock.pendingTimers, 0);
  assert.throws(() => h.scheduler.add(server('late')), /stopped/);
  await assert.rejects(h.scheduler.probeNow('s-2'), /stopped/);
});

test('stop({ abort: true }) aborts the probes in flight', async () => {
  const h = harness(() => ({ durationMs: 5000 }));
  h.scheduler.add(server('a'));
  void h.scheduler.probeNow('a');
  const stopping = h.scheduler.stop({ abort: true });
  assert.equal(h.calls[0]?.signal.aborted, true);
  await h.clock.advance(5000);
  await stopping;
});

test('stop() with nothing in flight resolves at once', async () => {
  const h = harness();
  h.scheduler.add(server('a'));
  h.scheduler.start();
  await h.scheduler.stop();
  assert.equal(h.clock.pendingTimers, 0);
});
