/** The one full collection after start-up (monitor/heap-settle.ts): once, after the delay, unless cancelled. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gcFunction, settleHeapLater } from '../../src/monitor/heap-settle.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('V8 gives its gc function without a command-line flag', () => {
  assert.equal(typeof gcFunction(), 'function');
});

test('settleHeapLater collects once after the delay and reports the heap alive', async () => {
  let runs = 0;
  const reports: { aliveMiB: number; ms: number }[] = [];
  settleHeapLater(
    (r) => reports.push(r),
    20,
    () => runs++,
  );
  await wait(5);
  assert.equal(runs, 0, 'not before the delay');
  await wait(100);
  assert.equal(runs, 1);
  assert.equal(reports.length, 1);
  assert.ok(reports[0]!.aliveMiB > 0 && reports[0]!.ms >= 0);
});

test('cancelled before the delay (a stop), it never runs; without a gc function it does nothing', async () => {
  let runs = 0;
  settleHeapLater(
    () => assert.fail('no report'),
    20,
    () => runs++,
  ).cancel();
  settleHeapLater(() => assert.fail('no report'), 1, null).cancel();
  await wait(100);
  assert.equal(runs, 0);
});
