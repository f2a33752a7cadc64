import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import type { Channel } from '../../src/alerts/channel.js';
import { toOutboxMessage } from '../../src/alerts/outbox.js';
import { DeliveryWorker, type DeliveryEvent } from '../../src/alerts/worker.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import type { OutboxMessage } from '../../src/store/store.js';
import { HOUR, MIN, SimClock, T0, fixedRandom, notification, outboxRows } from './fixtures.js';
import { channel } from './channel-helpers.js';
import { startSlackReceiver } from './receivers/slack.js';
import { text, type Receiver, type Received } from './receivers/server.js';

let team: Receiver;
let ops: Receiver;
let store: SqliteStore;
before(async () => {
  team = await startSlackReceiver();
  ops = await startSlackReceiver();
});
after(async () => {
  await team.close();
  await ops.close();
});
beforeEach(() => {
  store = openSqliteStore(':memory:');
  for (const r of [team, ops]) {
    r.accepted.length = 0;
    r.all.length = 0;
    r.down(null);
  }
});
afterEach(() => store.close());

/** The incident id a Slack message is about (from its context block). */
function incidentOf(req: Received): string {
  const body = JSON.parse(req.body) as { blocks: { type: string; elements?: { text: string }[] }[] };
  const ctx = body.blocks.find((b) => b.type === 'context');
  return /incident (\S+)/.exec(ctx?.elements?.[0]?.text ?? '')?.[1] ?? '?';
}

function msg(id: string, ch: string, at: number): OutboxMessage {
  return toOutboxMessage(notification({ incidentId: id, createdAt: at }), ch);
}

function worker(
  clock: SimClock,
  channels: Channel[],
  events: DeliveryEvent[] = [],
  random = fixedRandom(0.5),
): DeliveryWorker {
  return new DeliveryWorker({ store, channels, now: clock.now, random, onEvent: (e) => events.push(e) });
}

const teamCh = (timeoutMs = 5_000): Channel => channel('slack', { url: team.url }, 'team', timeoutMs);
const opsCh = (): Channel => channel('slack', { url: ops.url }, 'ops');

test('delivers every due message, in order per channel, and records the attempt', async () => {
  const clock = new SimClock(T0);
  await store.writeJudgement({
    outbox: [msg('a1', 'team', T0), msg('b1', 'ops', T0), msg('a2', 'team', T0), msg('a3', 'team', T0)],
  });
  const summary = await worker(clock, [teamCh(), opsCh()]).runOnce();
  assert.deepEqual(summary, { sent: 4, retried: 0, failed: 0, cancelled: 0 });
  assert.deepEqual(team.accepted.map(incidentOf), ['a1', 'a2', 'a3']);
  assert.deepEqual(ops.accepted.map(incidentOf), ['b1']);
  assert.deepEqual(
    outboxRows(store).map((r) => [r.key, r.status, r.attempts, r.lastError]),
    [
      ['a1:trigger:P1:team', 'sent', 1, null],
      ['b1:trigger:P1:ops', 'sent', 1, null],
      ['a2:trigger:P1:team', 'sent', 1, null],
      ['a3:trigger:P1:team', 'sent', 1, null],
    ],
  );
  assert.deepEqual(await worker(clock, [teamCh(), opsCh()]).runOnce(), {
    sent: 0,
    retried: 0,
    failed: 0,
    cancelled: 0,
  });
});

test('failures retry with exponential backoff and full jitter (injected random and clock)', async () => {
  const clock = new SimClock(T0);
  const events: DeliveryEvent[] = [];
  const w = worker(clock, [teamCh()], events, fixedRandom(0.5));
  await store.writeJudgement({ outbox: [msg('a1', 'team', T0)] });
  team.fault(text(500, 'boom'), text(502, 'bad gateway'));
  await w.runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts, r.notBefore - T0, r.lastError]),
    [['pending', 1, 500, 'HTTP 500: boom']],
  );
  clock.advance(499);
  await w.runOnce();
  assert.equal(team.all.length, 1, 'not due yet');
  clock.advance(1);
  await w.runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts, r.notBefore - T0, r.lastError]),
    [['pending', 2, 500 + 1000, 'HTTP 502: bad gateway']],
  );
  clock.advance(1000);
  await w.runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts, r.lastError]),
    [['sent', 3, null]],
  );
  assert.deepEqual(
    events.map((e) => e.type + ('delayMs' in e ? `:${e.delayMs}` : '')),
    ['retry:500', 'retry:1000', 'sent'],
  );
});

test('Retry-After is honoured, in seconds or as an HTTP date', async () => {
  const clock = new SimClock(T0);
  const w = worker(clock, [teamCh()]);
  await store.writeJudgement({ outbox: [msg('a1', 'team', T0)] });
  team.fault(text(429, 'rate limited', { 'retry-after': '90' }));
  await w.runOnce();
  assert.equal(outboxRows(store)[0]?.notBefore, T0 + 90_000);
  clock.advance(90_000);
  team.fault(text(503, 'later', { 'retry-after': new Date(T0 + 10 * MIN).toUTCString() }));
  await w.runOnce();
  assert.equal(outboxRows(store)[0]?.notBefore, T0 + 10 * MIN);
  clock.t = T0 + 10 * MIN;
  await w.runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts]),
    [['sent', 3]],
  );
});

test('a permanent error fails that message only; the channel goes on with the next', async () => {
  const clock = new SimClock(T0);
  await store.writeJudgement({ outbox: [msg('a1', 'team', T0), msg('a2', 'team', T0)] });
  team.fault(text(400, 'invalid_payload'));
  const summary = await worker(clock, [teamCh()]).runOnce();
  assert.deepEqual(summary, { sent: 1, retried: 0, failed: 1, cancelled: 0 });
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts, r.lastError]),
    [
      ['failed', 1, 'HTTP 400: invalid_payload'],
      ['sent', 1, null],
    ],
  );
});

test('410 disables the channel: its later messages wait, the failure is surfaced, enable() resumes', async () => {
  const clock = new SimClock(T0);
  const events: DeliveryEvent[] = [];
  const w = worker(clock, [teamCh(), opsCh()], events);
  await store.writeJudgement({
    outbox: [msg('a1', 'team', T0), msg('a2', 'team', T0), msg('b1', 'ops', T0)],
  });
  team.fault(text(410, 'channel_is_archived'));
  await w.runOnce();
  await w.runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.key, r.status]),
    [
      ['a1:trigger:P1:team', 'failed'],
      ['a2:trigger:P1:team', 'pending'],
      ['b1:trigger:P1:ops', 'sent'],
    ],
  );
  assert.equal(team.all.length, 1);
  assert.ok(events.some((e) => e.type === 'disabled' && e.channel === 'team' && e.status === 410));
  const health = w.health().find((h) => h.channel === 'team');
  assert.equal(health?.disabled, true);
  assert.equal(health?.disabledReason, 'HTTP 410: channel_is_archived');
  assert.equal(health?.pending, 1);
  assert.deepEqual(w.warnings(), [
    {
      channel: 'team',
      since: T0,
      disabled: true,
      message:
        'Alert channel team (slack) is disabled: HTTP 410: channel_is_archived. Alerts for it wait until it is fixed.',
    },
  ]);
  w.enable('team');
  await w.runOnce();
  assert.equal(outboxRows(store)[1]?.status, 'sent');
  assert.deepEqual(w.warnings(), []);
});

test('a channel disabled by 410 stays disabled across restarts, until its config changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-disabled-'));
  const file = join(dir, 'mcpwatch.db');
  try {
    const s1 = openSqliteStore(file);
    await s1.writeJudgement({ outbox: [msg('g1', 'team', T0), msg('g2', 'team', T0)] });
    team.fault(text(410, 'channel_is_archived'));
    await new DeliveryWorker({ store: s1, channels: [teamCh()], now: () => T0 }).runOnce();
    assert.equal(team.all.length, 1);
    await s1.close();
    team.down(null);

    // Restarted with the same config: still disabled, nothing sent, the reason kept.
    const s2 = openSqliteStore(file);
    const again = new DeliveryWorker({ store: s2, channels: [teamCh()], now: () => T0 + MIN });
    assert.deepEqual(await again.runOnce(), { sent: 0, retried: 0, failed: 0, cancelled: 0 });
    assert.equal(team.all.length, 1);
    const h = again.health().find((x) => x.channel === 'team');
    assert.deepEqual([h?.disabled, h?.disabledReason], [true, 'HTTP 410: channel_is_archived']);
    assert.equal(again.warnings()[0]?.disabled, true);
    await s2.close();

    // Restarted with the channel's config fixed (another URL, same receiver here): enabled, sent.
    const s3 = openSqliteStore(file);
    const fixed = channel('slack', { url: `${team.url}?fixed=1` }, 'team', 5_000);
    const third = new DeliveryWorker({ store: s3, channels: [fixed], now: () => T0 + 2 * MIN });
    assert.deepEqual(await third.runOnce(), { sent: 1, retried: 0, failed: 0, cancelled: 0 });
    assert.deepEqual(
      outboxRows(s3).map((r) => [r.key, r.status]),
      [
        ['g1:trigger:P1:team', 'failed'],
        ['g2:trigger:P1:team', 'sent'],
      ],
    );
    assert.deepEqual(await s3.listMeta('alerts:disabled:'), []);
    await s3.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('enable() after a 410 forgets the record: the next start sends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-enabled-'));
  const file = join(dir, 'mcpwatch.db');
  try {
    const s1 = openSqliteStore(file);
    await s1.writeJudgement({ outbox: [msg('e1', 'team', T0), msg('e2', 'team', T0)] });
    team.fault(text(410, 'gone'));
    const w = new DeliveryWorker({ store: s1, channels: [teamCh()], now: () => T0 });
    await w.runOnce();
    assert.equal((await s1.listMeta('alerts:disabled:')).length, 1);
    w.enable('team');
    team.down(null);
    await w.runOnce();
    assert.deepEqual(await s1.listMeta('alerts:disabled:'), []);
    assert.equal(outboxRows(s1)[1]?.status, 'sent');
    await s1.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hanging receiver: the attempt times out and is retried', async () => {
  const clock = new SimClock(T0);
  await store.writeJudgement({ outbox: [msg('a1', 'team', T0)] });
  team.fault('hang');
  const started = Date.now();
  await worker(clock, [teamCh(300)]).runOnce();
  assert.ok(Date.now() - started < 2_000);
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.attempts, r.lastError]),
    [['pending', 1, 'timed out waiting for the receiver']],
  );
});

test('in order: while the oldest message of a channel waits for its retry, the later ones wait too', async () => {
  const clock = new SimClock(T0);
  const w = worker(clock, [teamCh(), opsCh()], [], fixedRandom(0.99));
  await store.writeJudgement({ outbox: [msg('a1', 'team', T0)] });
  team.fault(text(500, 'boom'));
  await w.runOnce();
  await store.writeJudgement({ outbox: [msg('a2', 'team', T0 + 10), msg('b1', 'ops', T0 + 10)] });
  clock.advance(100);
  await w.runOnce();
  assert.deepEqual(team.accepted.map(incidentOf), [], 'a2 waits behind a1');
  assert.deepEqual(ops.accepted.map(incidentOf), ['b1'], 'other channels do not wait');
  clock.advance(MIN);
  await w.runOnce();
  assert.deepEqual(team.accepted.map(incidentOf), ['a1', 'a2']);
});

test('a receiver down for an hour gets every alert, in order, exactly once, after it recovers', async () => {
  const clock = new SimClock(T0);
  const events: DeliveryEvent[] = [];
  const w = worker(clock, [teamCh()], events, Math.random);
  team.down(text(503, 'service unavailable'));
  const planned: string[] = [];
  for (let t = T0; t < T0 + HOUR; t += 15_000) {
    clock.t = t;
    if ((t - T0) % (5 * MIN) === 0) {
      const id = `inc-${planned.length + 1}`;
      planned.push(id);
      await store.writeJudgement({ outbox: [msg(id, 'team', t)] });
    }
    await w.runOnce();
  }
  assert.equal(planned.length, 12);
  assert.equal(team.accepted.length, 0);
  const failedAttempts = team.all.length;
  assert.ok(failedAttempts >= 10, `kept trying: ${failedAttempts} attempts`);
  assert.ok(w.warnings()[0]?.message.startsWith('Alert channel team (slack) failed'));
  team.down(null);
  for (let t = T0 + HOUR; t <= T0 + HOUR + 10 * MIN; t += 15_000) {
    clock.t = t;
    await w.runOnce();
  }
  assert.deepEqual(team.accepted.map(incidentOf), planned);
  assert.deepEqual(
    outboxRows(store).map((r) => r.status),
    planned.map(() => 'sent'),
  );
  assert.ok((outboxRows(store)[0]?.attempts ?? 0) > 5);
  assert.deepEqual(w.warnings(), []);
  const h = w.health()[0];
  assert.equal(h?.consecutiveFailures, 0);
  assert.equal(h?.sent, 12);
  assert.ok((h?.lastLatencyMs ?? 0) > 0);
});

test('crash safety: a message written but never sent is sent exactly once by the next process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-outbox-'));
  const file = join(dir, 'mcpwatch.db');
  try {
    const first = openSqliteStore(file);
    await first.writeJudgement({ outbox: [msg('crash-1', 'team', T0), msg('crash-2', 'team', T0)] });
    await first.close(); // the process dies before its worker runs

    for (let restart = 0; restart < 3; restart++) {
      const s = openSqliteStore(file);
      // the restarted monitor plans the same notifications again: the keys keep them single
      await s.writeJudgement({
        outbox: [msg('crash-1', 'team', T0 + 1000), msg('crash-2', 'team', T0 + 1000)],
      });
      await new DeliveryWorker({ store: s, channels: [teamCh()], now: () => T0 + 2000 }).runOnce();
      assert.deepEqual(
        outboxRows(s).map((r) => [r.key, r.status, r.attempts]),
        [
          ['crash-1:trigger:P1:team', 'sent', 1],
          ['crash-2:trigger:P1:team', 'sent', 1],
        ],
      );
      await s.close();
    }
    assert.deepEqual(team.accepted.map(incidentOf), ['crash-1', 'crash-2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('crash between the send and its record: resent once after restart, with the same idempotency key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-outbox-'));
  const file = join(dir, 'mcpwatch.db');
  try {
    const s1 = openSqliteStore(file);
    await s1.writeJudgement({ outbox: [msg('x', 'team', T0)] });
    const keys: string[] = [];
    const spy: Channel = {
      name: 'team',
      type: 'slack',
      send: async (n, ctx) => (keys.push(ctx.messageId), teamCh().send(n, ctx)),
    };
    const dying = {
      dueOutbox: s1.dueOutbox.bind(s1),
      updateOutbox: async () => Promise.reject(new Error('killed')),
    };
    await assert.rejects(
      new DeliveryWorker({ store: dying, channels: [spy], now: () => T0 }).runOnce(),
      /killed/,
    );
    await s1.close();
    const s2 = openSqliteStore(file);
    await new DeliveryWorker({ store: s2, channels: [spy], now: () => T0 + 1000 }).runOnce();
    await new DeliveryWorker({ store: s2, channels: [spy], now: () => T0 + 2000 }).runOnce();
    assert.deepEqual(keys, ['x:trigger:P1:team', 'x:trigger:P1:team']);
    assert.equal(outboxRows(s2)[0]?.status, 'sent');
    await s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a message for a channel that is no longer configured is cancelled; an old undeliverable one is given up', async () => {
  const clock = new SimClock(T0 + 2 * 86_400_000);
  await store.writeJudgement({ outbox: [msg('gone', 'removed', T0), msg('old', 'team', T0)] });
  const events: DeliveryEvent[] = [];
  await worker(clock, [teamCh()], events).runOnce();
  assert.deepEqual(
    outboxRows(store).map((r) => [r.status, r.lastError]),
    [
      ['cancelled', 'no channel named "removed" in the config'],
      ['failed', 'undelivered for too long (last error: none)'],
    ],
  );
  assert.equal(team.all.length, 0);
});

test('start() delivers on kick() without waiting for the poll interval; stop() ends the loop', async () => {
  const w = new DeliveryWorker({ store, channels: [teamCh()], pollMs: 60_000 });
  w.start();
  await new Promise((r) => setTimeout(r, 20));
  await store.writeJudgement({ outbox: [msg('k1', 'team', Date.now())] });
  w.kick();
  const deadline = Date.now() + 2_000;
  while (team.accepted.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(team.accepted.map(incidentOf), ['k1']);
  await w.stop();
});

test('with a claim (several instances): only claimed messages go, and only while the claim outlasts the attempt', async () => {
  const clock = new SimClock(T0);
  await store.writeJudgement({ outbox: [msg('c1', 'team', T0), msg('c2', 'ops', T0)] });
  const [first] = await store.dueOutbox(T0, 1);
  let until = T0 + 6_000;
  const claimed: number[] = [];
  const w = new DeliveryWorker({
    store,
    channels: [teamCh(5_000), opsCh()],
    now: clock.now,
    random: fixedRandom(0.5),
    claim: async (now, limit) => {
      claimed.push(now);
      return { messages: (await store.dueOutbox(now, limit)).filter((m) => m.id === first!.id), until };
    },
  });
  // team's attempt may take 5 s + 1 s: a claim ending 6 s from now is too short to start it.
  assert.deepEqual(await w.runOnce(), { sent: 0, retried: 0, failed: 0, cancelled: 0 });
  assert.equal(team.accepted.length, 0);
  until = T0 + 6_001;
  assert.deepEqual(await w.runOnce(), { sent: 1, retried: 0, failed: 0, cancelled: 0 });
  assert.deepEqual(team.accepted.map(incidentOf), ['c1']);
  assert.equal(ops.accepted.length, 0, 'the unclaimed message stays for whoever claims it');
  assert.deepEqual(claimed, [T0, T0]);
});
