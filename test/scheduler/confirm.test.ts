import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduledServer } from '../../src/scheduler/types.js';
import { T0 } from './fake-clock.js';
import { harness, server } from './harness.js';

interface Case {
  name: string;
  /** ok answer of probe 1, 2, 3 … (missing: ok). */
  results: boolean[];
  durationMs?: number;
  settings?: Partial<ScheduledServer>;
  /** Start times relative to the first probe, in seconds, and their kinds. */
  starts: number[];
  kinds: string[];
  until?: number;
}

const CASES: Case[] = [
  {
    name: 'outage: re-probes every 15 s until 3 consecutive failures, then back to 60 s',
    results: [false, false, false, false, false],
    starts: [0, 15, 30, 60, 120],
    kinds: ['scheduled', 'confirm', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'a success ends confirmation',
    results: [false, true],
    starts: [0, 15, 60, 120],
    kinds: ['scheduled', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'two failures then a success: confirmation stops at the success',
    results: [false, false, true],
    starts: [0, 15, 30, 60, 120],
    kinds: ['scheduled', 'confirm', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'confirmation is anchored to the failed probe start, not its end',
    results: [false, false, false],
    durationMs: 4000,
    starts: [0, 15, 30, 60, 120],
    kinds: ['scheduled', 'confirm', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'a probe longer than the confirmation step is re-probed as soon as it ends',
    results: [false, false, false],
    durationMs: 19_000,
    starts: [0, 19, 38, 60, 120],
    kinds: ['scheduled', 'confirm', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'a new failure after recovery starts a new confirmation',
    results: [false, false, false, true, false],
    starts: [0, 15, 30, 60, 120, 135, 180],
    kinds: ['scheduled', 'confirm', 'confirm', 'scheduled', 'scheduled', 'confirm', 'scheduled'],
    until: 200,
  },
  {
    name: 'a scheduled slot during confirmation serves as the next confirmation',
    settings: { intervalMs: 20_000 },
    results: [false, false, false],
    starts: [0, 15, 20, 40, 60],
    kinds: ['scheduled', 'confirm', 'scheduled', 'scheduled', 'scheduled'],
    until: 61,
  },
  {
    name: 'custom settings: every 5 s until 5 failures',
    settings: { confirmEveryMs: 5000, confirmFailures: 5 },
    results: [false, false, false, false, false, false],
    starts: [0, 5, 10, 15, 20, 60, 120],
    kinds: ['scheduled', 'confirm', 'confirm', 'confirm', 'confirm', 'scheduled', 'scheduled'],
  },
  {
    name: 'confirmFailures 1: no re-probes',
    settings: { confirmFailures: 1 },
    results: [false, false],
    starts: [0, 60, 120],
    kinds: ['scheduled', 'scheduled', 'scheduled'],
  },
];

for (const c of CASES) {
  test(`confirmation: ${c.name}`, async () => {
    const h = harness((_name, n) => ({ ok: c.results[n - 1] ?? true, durationMs: c.durationMs ?? 1000 }));
    h.scheduler.add(server('flaky', c.settings));
    h.scheduler.start();
    const offset = h.scheduler.inspect('flaky')?.offsetMs ?? 0;
    await h.clock.advanceTo(T0 + offset + (c.until ?? 121) * 1000);
    assert.deepEqual(
      h.startsOf('flaky').map((ms) => ms / 1000),
      c.starts,
    );
    assert.deepEqual(
      h.callsOf('flaky').map((call) => call.kind),
      c.kinds,
    );
    await h.finish();
  });
}

test('confirmation probes report the failures before them and their attempt number', async () => {
  const h = harness(() => ({ ok: false, durationMs: 100 }));
  h.scheduler.add(server('down'));
  h.scheduler.start();
  await h.clock.advance(3 * 60_000);
  assert.deepEqual(
    h.calls.slice(0, 4).map((c) => [c.kind, c.consecutiveFailures, c.kind === 'confirm' ? c.index : null]),
    [
      ['scheduled', 0, null],
      ['confirm', 1, 1],
      ['confirm', 2, 2],
      ['scheduled', 3, null],
    ],
  );
  assert.equal(h.scheduler.stats().confirmations, 2);
  await h.finish();
});
