import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded, T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

test('concurrency 2: the third due probe waits for a free slot, and its lateness is measured', async () => {
  const h = harness(() => ({ durationMs: 50_000 }), { concurrency: 2 });
  for (const name of ['one', 'two', 'three']) h.scheduler.add(server(name));
  const offsets = ['one', 'two', 'three']
    .map((name) => ({ name, offset: h.scheduler.inspect(name)?.offsetMs ?? 0 }))
    .sort((a, b) => a.offset - b.offset);
  const [first, second, third] = offsets as [(typeof offsets)[0], (typeof offsets)[0], (typeof offsets)[0]];
  assert.ok(third.offset < first.offset + 50_000, 'the third is due while the first two run');
  h.scheduler.start();

  await h.clock.advanceTo(T0 + third.offset);
  assert.equal(h.scheduler.stats().inFlight, 2);
  assert.equal(h.scheduler.stats().queued, 1);
  assert.equal(h.scheduler.inspect(third.name)?.queued, true);

  await h.clock.advanceTo(T0 + first.offset + 50_000);
  const late = h.callsOf(third.name)[0];
  assert.equal(late?.startedAt, T0 + first.offset + 50_000);
  assert.equal(late?.dueAt, T0 + third.offset);
  assert.equal(late?.latenessMs, first.offset + 50_000 - third.offset);
  assert.equal(h.scheduler.stats().lateness.max, late?.latenessMs);
  assert.deepEqual(
    h.calls.map((c) => c.name),
    [first.name, second.name, third.name],
  );
  await h.finish();
});

test('overload: the cap is never exceeded, nobody waits while a slot is free, lateness stats match', async () => {
  const cap = 5;
  const random = seeded(7);
  // 50 servers × ~10 s probes every 60 s need ~8.3 slots: more than the cap.
  const h = harness(() => ({ durationMs: 5000 + Math.floor(random() * 10_000) }), { concurrency: cap });
  for (let i = 0; i < 50; i++) h.scheduler.add(server(`busy-${i}`));
  h.scheduler.start();
  const ends: number[] = [];
  let queuedWhileFree = 0;
  for (let t = 0; t < 30 * 60_000; t += 250) {
    await h.clock.advanceTo(T0 + t);
    const s = h.scheduler.stats();
    if (s.queued > 0 && s.inFlight < cap) queuedWhileFree++;
  }
  assert.ok(h.maxInFlight() <= cap, `max in flight ${h.maxInFlight()}`);
  assert.equal(h.maxInFlight(), cap);
  assert.equal(queuedWhileFree, 0);

  for (const call of h.calls) {
    assert.equal(call.latenessMs, call.startedAt - call.dueAt);
    assert.ok(call.latenessMs >= 0);
    ends.push(call.startedAt);
  }
  const lateness = h.calls.map((c) => c.latenessMs).sort((a, b) => a - b);
  const stats = h.scheduler.stats();
  assert.ok((lateness.at(-1) ?? 0) > 0, 'some probes were late');
  assert.equal(stats.lateness.samples, h.calls.length);
  assert.equal(stats.lateness.max, lateness.at(-1));
  assert.equal(stats.lateness.p99, lateness[Math.ceil(0.99 * lateness.length) - 1]);
  assert.deepEqual(
    h.scheduler.latenessSamples(),
    h.calls.map((c) => c.latenessMs),
  );
  assert.ok(stats.skippedSlots > 0, 'overloaded servers skip slots rather than pile up');
  assert.equal(stats.started, h.calls.length);
  await h.finish();
});

test('manual probes and due confirmations go ahead of queued scheduled probes', async () => {
  const h = harness((name) => ({ durationMs: name === 'blocker' ? 100_000 : 20_000, ok: name !== 'sick' }), {
    concurrency: 1,
  });
  for (const name of ['blocker', 'a', 'b', 'c', 'sick']) h.scheduler.add(server(name));
  h.scheduler.add(server('urgent', { paused: true }));
  // The blocker holds the only slot for 100 s; everything else falls due and queues behind it.
  void h.scheduler.probeNow('blocker');
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 60_000 - 1);
  assert.equal(h.scheduler.stats().queued, 4);
  const manual = h.scheduler.probeNow('urgent');
  assert.equal(h.scheduler.stats().queued, 5);

  await h.clock.advanceTo(T0 + 100_000);
  assert.equal(h.calls[1]?.name, 'urgent', 'the manual probe runs first');
  await h.clock.advanceTo(T0 + 120_000);
  assert.deepEqual(await manual, { ok: true });

  await h.clock.advanceTo(T0 + 300_000);
  const scheduled = h.calls.slice(2, 6);
  const dueOrder = [...scheduled].sort((x, y) => x.dueAt - y.dueAt);
  assert.deepEqual(
    scheduled.map((c) => c.name),
    dueOrder.map((c) => c.name),
    'queued probes run in due order',
  );
  const sickFirst = h.calls.findIndex((c) => c.name === 'sick');
  assert.equal(h.calls[sickFirst + 1]?.name, 'sick', 'its confirmation is next');
  assert.equal(h.calls[sickFirst + 1]?.kind, 'confirm');
  await h.finish();
});

test('pausing or removing a queued server takes it out of the queue (unless someone awaits it)', async () => {
  const h = harness(() => ({ durationMs: 100_000 }), { concurrency: 1 });
  for (const name of ['blocker', 'q1', 'q2', 'q3']) h.scheduler.add(server(name));
  void h.scheduler.probeNow('blocker');
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 60_000 - 1);
  assert.equal(h.scheduler.stats().queued, 3);
  h.scheduler.pause('q1');
  assert.equal(h.scheduler.stats().queued, 2);
  h.scheduler.remove('q2');
  assert.equal(h.scheduler.stats().queued, 1);
  const awaited = h.scheduler.probeNow('q3');
  h.scheduler.pause('q3');
  assert.equal(h.scheduler.stats().queued, 1, 'q3 stays queued: probeNow awaits it');
  await h.clock.advanceTo(T0 + 200_000);
  assert.deepEqual(await awaited, { ok: true });
  assert.deepEqual(
    h.calls.slice(0, 2).map((c) => c.name),
    ['blocker', 'q3'],
  );
  assert.ok(!h.calls.some((c) => c.name === 'q1' || c.name === 'q2'));
  await h.finish();
});
