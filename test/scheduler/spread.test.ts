import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stableOffset } from '../../src/scheduler/offset.js';
import { T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

/** Start a scheduler with `count` servers at T0 and return how many first probes fell in each second. */
async function firstProbesPerSecond(count: number): Promise<number[]> {
  const h = harness();
  for (let i = 0; i < count; i++) h.scheduler.add(server(`mcp-server-${i}`));
  h.scheduler.start();
  await h.clock.advanceTo(T0 + 60_000 - 1);
  assert.equal(h.calls.length, count, 'every server is probed within its first interval');
  const perSecond = new Array<number>(60).fill(0);
  for (const call of h.calls) {
    assert.equal(call.latenessMs, 0);
    const second = Math.floor((call.startedAt - T0) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  await h.finish();
  return perSecond;
}

test('600 servers at 60 s: first probes spread evenly, every second within mean ± 3', async () => {
  const perSecond = await firstProbesPerSecond(600);
  const detail = perSecond.join(' ');
  assert.ok(Math.max(...perSecond) <= 13, `max per second ${Math.max(...perSecond)}: ${detail}`);
  assert.ok(Math.min(...perSecond) >= 7, `min per second ${Math.min(...perSecond)}: ${detail}`);
});

test('10,000 servers at 60 s: every second within 5% of the mean', async () => {
  const perSecond = await firstProbesPerSecond(10_000);
  const mean = 10_000 / 60;
  assert.ok(Math.max(...perSecond) <= 1.05 * mean, `max per second ${Math.max(...perSecond)}`);
  assert.ok(Math.min(...perSecond) >= 0.95 * mean, `min per second ${Math.min(...perSecond)}`);
});

test('a server keeps its offset while others come and go; alone, it sits at its hash', async () => {
  const h = harness();
  h.scheduler.add(server('first'));
  assert.equal(h.scheduler.inspect('first')?.offsetMs, stableOffset('first', 60_000));
  for (let i = 0; i < 100; i++) h.scheduler.add(server(`s-${i}`));
  const before = new Map(
    [...Array(100).keys()].map((i) => [`s-${i}`, h.scheduler.inspect(`s-${i}`)?.offsetMs]),
  );
  for (let i = 0; i < 100; i += 2) h.scheduler.remove(`s-${i}`);
  for (let i = 100; i < 150; i++) h.scheduler.add(server(`s-${i}`));
  for (let i = 1; i < 100; i += 2)
    assert.equal(h.scheduler.inspect(`s-${i}`)?.offsetMs, before.get(`s-${i}`));
  assert.equal(h.scheduler.inspect('first')?.offsetMs, stableOffset('first', 60_000));
  // The same sequence of adds gives the same offsets (so a restart with the same config does too).
  const again = harness();
  again.scheduler.add(server('first'));
  for (let i = 0; i < 100; i++) again.scheduler.add(server(`s-${i}`));
  for (let i = 0; i < 100; i++)
    assert.equal(again.scheduler.inspect(`s-${i}`)?.offsetMs, before.get(`s-${i}`));
  await h.finish();
});

test('hash offsets are stable per name, inside the interval, and scale with it', () => {
  for (const name of ['a', 'docs-search', 'mcp-server-41', 'x'.repeat(200)]) {
    const o60 = stableOffset(name, 60_000);
    assert.equal(stableOffset(name, 60_000), o60);
    assert.ok(o60 >= 0 && o60 < 60_000);
    // The same fraction of any interval (so a changed interval keeps the server's relative place).
    assert.ok(Math.abs(stableOffset(name, 120_000) - 2 * o60) <= 2);
  }
  assert.notEqual(stableOffset('mcp-server-1', 60_000), stableOffset('mcp-server-2', 60_000));
});
