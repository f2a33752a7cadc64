/**
 * channel_failing warnings (alerts/channel-warnings.ts). Alone, as before: cleared as soon as this
 * worker does not report the channel failing. Shared: cleared only on this worker's success after the
 * warning opened, raised only on a failure after the channel's last clearing — so two instances, one
 * that saw the failures and one that never tried the channel, do not flap. Each row says what the
 * old rule (the alone rule, applied to a shared store) did, and the flapping rows show it differ.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planChannelWarnings, type ChannelWarningInput } from '../../src/alerts/channel-warnings.js';
import type { ChannelWarning } from '../../src/alerts/health.js';
import type { Warning } from '../../src/engine/types.js';

const NOW = 1_000;
const failingSince = (since: number, disabled = false): ChannelWarning => ({
  channel: 'hook',
  since,
  disabled,
  message: disabled ? 'hook is disabled' : 'hook failed 3 deliveries in a row',
});
const stored = (openedAt: number): Warning => ({
  id: `channel:hook-${openedAt}`,
  server: 'channel:hook',
  rule: 'channel_failing',
  message: 'hook failed 3 deliveries in a row',
  openedAt,
  clearedAt: null,
  details: { disabled: false },
});
const raised = (openedAt: number, disabled = false): Warning => ({
  id: `channel:hook-${openedAt}`,
  server: 'channel:hook',
  rule: 'channel_failing',
  message: disabled ? 'hook is disabled' : 'hook failed 3 deliveries in a row',
  openedAt,
  clearedAt: null,
  details: { disabled },
});
const cleared = (openedAt: number): Warning => ({ ...stored(openedAt), clearedAt: NOW });

interface Row {
  name: string;
  shared: boolean;
  failing: ChannelWarning | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  active: Warning | null;
  lastClearedAt?: number;
  want: Warning[];
  /** What the old rule wrote, when it differs (the flap). */
  old?: Warning[];
}

const rows: Row[] = [
  // Alone: unchanged.
  {
    name: 'alone: failing, no warning: raised, opened when the failures began',
    shared: false,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 120,
    active: null,
    want: [raised(100)],
  },
  {
    name: 'alone: no longer failing: cleared (no success needed)',
    shared: false,
    failing: null,
    lastSuccessAt: null,
    lastErrorAt: 120,
    active: stored(100),
    want: [cleared(100)],
  },
  {
    name: 'alone: still failing: kept',
    shared: false,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 130,
    active: stored(100),
    want: [],
  },
  // Shared: clearing needs a success here after the warning opened.
  {
    name: 'shared: this instance never tried the channel: kept',
    shared: true,
    failing: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    active: stored(120),
    want: [],
    old: [cleared(120)],
  },
  {
    name: 'shared: its last success is older than the warning: kept',
    shared: true,
    failing: null,
    lastSuccessAt: 110,
    lastErrorAt: null,
    active: stored(120),
    want: [],
    old: [cleared(120)],
  },
  {
    name: 'shared: a success at the very time the warning opened: kept',
    shared: true,
    failing: null,
    lastSuccessAt: 120,
    lastErrorAt: null,
    active: stored(120),
    want: [],
    old: [cleared(120)],
  },
  {
    name: 'shared: delivered after the warning opened: cleared',
    shared: true,
    failing: null,
    lastSuccessAt: 150,
    lastErrorAt: 90,
    active: stored(120),
    want: [cleared(120)],
  },
  {
    name: 'shared: failing here again after a success: kept',
    shared: true,
    failing: failingSince(160),
    lastSuccessAt: 150,
    lastErrorAt: 180,
    active: stored(120),
    want: [],
  },
  // Shared: raising needs a failure here after the channel's last clearing.
  {
    name: 'shared: failing, never warned: raised, opened at the latest failure',
    shared: true,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 120,
    active: null,
    want: [raised(120)],
    old: [raised(100)],
  },
  {
    name: 'shared: a stale streak, cleared by another instance since its last failure: not raised again',
    shared: true,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 120,
    active: null,
    lastClearedAt: 130,
    want: [],
    old: [raised(100)],
  },
  {
    name: 'shared: a failure at the very time it was cleared: not raised again',
    shared: true,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 130,
    active: null,
    lastClearedAt: 130,
    want: [],
    old: [raised(100)],
  },
  {
    name: 'shared: failed again after the clearing: raised anew (a new id, opened at that failure)',
    shared: true,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 140,
    active: null,
    lastClearedAt: 130,
    want: [raised(140)],
    old: [raised(100)],
  },
  {
    name: 'shared: disabled here (a 410), never warned: raised',
    shared: true,
    failing: failingSince(200, true),
    lastSuccessAt: null,
    lastErrorAt: 200,
    active: null,
    want: [raised(200, true)],
  },
  {
    name: 'shared: another instance warned already: no second warning',
    shared: true,
    failing: failingSince(100),
    lastSuccessAt: null,
    lastErrorAt: 120,
    active: stored(110),
    want: [],
  },
];

function input(r: Row, shared: boolean): ChannelWarningInput {
  return {
    shared,
    failing: r.failing ? [r.failing] : [],
    health: [{ channel: 'hook', lastSuccessAt: r.lastSuccessAt, lastErrorAt: r.lastErrorAt }],
    active: r.active ? [r.active] : [],
    lastClearedAt: new Map(r.lastClearedAt === undefined ? [] : [['channel:hook', r.lastClearedAt]]),
    now: NOW,
  };
}

for (const r of rows)
  test(`channel warnings: ${r.name}`, () => {
    assert.deepEqual(planChannelWarnings(input(r, r.shared)).changes, r.want);
    // The old rule: what the alone rule does on this row.
    const old = planChannelWarnings(input(r, false)).changes;
    assert.deepEqual(old, r.old ?? r.want);
    if (r.old) assert.notDeepEqual(old, r.want, 'the old rule differs here');
  });

/**
 * Two instances on one store, ticking in turn: `a` saw three failures (its claim on the channel then
 * went to `b`), `b` delivered nothing, then `b` delivers once, successfully. Under the old rule they
 * write on every tick (b clears, a raises again); under the new one a raises once and b clears once.
 */
function twoInstances(shared: boolean): string[] {
  let warnings: Warning[] = [];
  const a = { failing: [failingSince(100)], lastSuccessAt: null as number | null, lastErrorAt: 120 };
  const b = { failing: [] as ChannelWarning[], lastSuccessAt: null as number | null, lastErrorAt: null };
  const log: string[] = [];
  for (let tick = 0; tick < 8; tick++) {
    const now = 200 + tick * 10;
    if (tick === 4) b.lastSuccessAt = now - 5;
    const self = tick % 2 === 0 ? a : b;
    const cleared = warnings.filter((w) => w.clearedAt !== null).map((w) => w.clearedAt!);
    const plan = planChannelWarnings({
      shared,
      failing: self.failing,
      health: [{ channel: 'hook', lastSuccessAt: self.lastSuccessAt, lastErrorAt: self.lastErrorAt }],
      active: warnings.filter((w) => w.clearedAt === null),
      lastClearedAt: new Map(cleared.length ? [['channel:hook', Math.max(...cleared)]] : []),
      now,
    });
    for (const c of plan.changes) {
      warnings = [...warnings.filter((w) => w.id !== c.id), c];
      log.push(`${now} ${self === a ? 'a' : 'b'} ${c.clearedAt === null ? 'raised' : 'cleared'} ${c.id}`);
    }
  }
  return log;
}

test('two instances: the old rule flaps on every tick, the new one raises once and clears once', () => {
  assert.deepEqual(twoInstances(false), [
    '200 a raised channel:hook-100',
    '210 b cleared channel:hook-100',
    '220 a raised channel:hook-100',
    '230 b cleared channel:hook-100',
    '240 a raised channel:hook-100',
    '250 b cleared channel:hook-100',
    '260 a raised channel:hook-100',
    '270 b cleared channel:hook-100',
  ]);
  assert.deepEqual(twoInstances(true), ['200 a raised channel:hook-120', '250 b cleared channel:hook-120']);
});
