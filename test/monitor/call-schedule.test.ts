/** CallSchedule: which configured calls are due on a probe (every N probes, every duration, after a failure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolCallConfig } from '../../src/config/types.js';
import { CallSchedule } from '../../src/monitor/call-schedule.js';
import type { ProbeResult, ToolCallOutcome } from '../../src/probe/types.js';

const call = (every: ToolCallConfig['every']): ToolCallConfig => ({
  tool: 'echo',
  arguments: {},
  every,
  expect: null,
  allowWrite: false,
});

/** Probes once at each time: was the call due, and what the probe did with it. */
function run(
  c: ToolCallConfig,
  times: number[],
  outcome: (at: number) => ToolCallOutcome['status'] = () => 'ok',
) {
  const s = new CallSchedule();
  return times.map((at) => {
    const [spec] = s.plan('api', [c], at);
    const due = !spec!.notDue;
    const status = due ? outcome(at) : 'skipped';
    const result = { layers: { tool_call: { calls: [{ tool: 'echo', status, durationMs: null }] } } };
    s.record('api', [c], result as unknown as ProbeResult, at);
    return due;
  });
}

const minutes = (n: number) => Array.from({ length: n }, (_, i) => i * 60_000);

test('every 3 probes: the 1st, 4th, 7th…', () => {
  assert.deepEqual(run(call({ probes: 3 }), minutes(8)), [
    true,
    false,
    false,
    true,
    false,
    false,
    true,
    false,
  ]);
});

test('every 5 minutes at a 60 s interval: minutes 0, 5, 10', () => {
  const due = run(call({ ms: 5 * 60_000 }), minutes(11));
  assert.deepEqual(
    due.flatMap((d, i) => (d ? [i] : [])),
    [0, 5, 10],
  );
});

test('a failed call is due on every probe until it passes, then every N again', () => {
  // Fails at minutes 3..5 (when made); the call is made on each probe from the failure on.
  const failing = (at: number) => (at >= 3 * 60_000 && at <= 5 * 60_000 ? 'failed' : 'ok');
  assert.deepEqual(run(call({ probes: 3 }), minutes(10), failing), [
    true,
    false,
    false,
    true,
    true,
    true,
    true,
    false,
    false,
    true,
  ]);
});

test('a call the guard refused (never made) stays due; calls removed from the config are forgotten', () => {
  const s = new CallSchedule();
  const c = call({ probes: 10 });
  for (let i = 0; i < 3; i++) {
    const [spec] = s.plan('api', [c], i);
    assert.equal(spec!.notDue, undefined);
    const refused = { tool: 'echo', status: 'skipped', durationMs: null, skipped: 'not_read_only' };
    s.record('api', [c], { layers: { tool_call: { calls: [refused] } } } as unknown as ProbeResult, i);
  }
  const other = { ...c, tool: 'search' };
  assert.equal(s.plan('api', [other], 5)[0]!.notDue, undefined, 'a new call is due at once');
});
