import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toOutboxMessage } from '../../src/alerts/outbox.js';
import { DeliveryWorker } from '../../src/alerts/worker.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { MIN, T0, notification } from './fixtures.js';
import { channel, send } from './channel-helpers.js';
import { startTwilioReceiver } from './receivers/twilio.js';
import type { Receiver } from './receivers/server.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-xyz';
let r: Receiver;
before(async () => {
  r = await startTwilioReceiver(SID, TOKEN);
});
after(() => r.close());

const settings = (p: Record<string, unknown> = {}): Record<string, unknown> => ({
  accountSid: SID,
  authToken: TOKEN,
  from: '+15550001111',
  to: '+15550002222',
  url: r.url,
  ...p,
});

test('one form-encoded POST to the Messages resource with Basic auth; Twilio answers 201 with the SID', async () => {
  r.accepted.length = 0;
  const o = await send(channel('sms', settings()), notification(), { now: T0 + MIN });
  assert.deepEqual(r.rejected, []);
  assert.ok(o.ok && o.status === 201 && /^SM[0-9a-f]{32}$/.test(o.receiverId ?? ''), JSON.stringify(o));
  const req = r.accepted[0]!;
  assert.equal(req.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(req.body)), {
    To: '+15550002222',
    From: '+15550001111',
    Body: 'P1 DOWN: docs-search — MCP initialize failed (timeout). 3 failed probes, since 08:58 UTC, 6 Jan 2025 (3 min ago). Ack: http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
  });
});

test('a Messaging Service SID goes as MessagingServiceSid; several numbers get one request each', async () => {
  r.accepted.length = 0;
  const mg = 'MG0123456789abcdef0123456789abcdef';
  const o = await send(
    channel('sms', settings({ from: mg, to: ['+15550002222', '+15550003333'] })),
    notification(),
  );
  assert.ok(o.ok && (o.receiverId ?? '').split(',').length === 2);
  const forms = r.accepted.map((q) => Object.fromEntries(new URLSearchParams(q.body)));
  assert.deepEqual(
    forms.map((f) => [f.To, f.MessagingServiceSid, f.From]),
    [
      ['+15550002222', mg, undefined],
      ['+15550003333', mg, undefined],
    ],
  );
});

test('a retry texts only the numbers that did not get the message', async () => {
  r.accepted.length = 0;
  const sms = channel('sms', settings({ to: ['+15550002222', '+15550003333'] }));
  const tos = (): string[] => r.accepted.map((q) => new URLSearchParams(q.body).get('To') ?? '');
  r.fault('pass', {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: '{"code":20500,"message":"Internal Server Error"}',
  });
  const first = await send(sms, notification(), { messageId: 'm1' });
  assert.ok(
    !first.ok &&
      first.retryable &&
      first.status === 500 &&
      first.error.startsWith('to recipient 2 of 2: HTTP 500'),
    JSON.stringify(first),
  );
  assert.deepEqual(tos(), ['+15550002222']);
  const retry = await send(sms, notification(), { messageId: 'm1' });
  assert.ok(retry.ok);
  assert.deepEqual(tos(), ['+15550002222', '+15550003333'], 'the first number is not texted twice');
  await send(sms, notification({ kind: 'resolve' }), { messageId: 'm2' });
  assert.deepEqual(tos().slice(2), ['+15550002222', '+15550003333']);
});

test('Twilio errors: bad number is permanent (21211), bad credentials permanent, 429 retried; the token never shows', async () => {
  r.fault({
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
      status: 400,
    }),
  });
  const invalid = await send(channel('sms', settings()), notification());
  assert.ok(!invalid.ok && !invalid.retryable && invalid.status === 400 && invalid.error.includes('21211'));
  const auth = await send(channel('sms', settings({ authToken: 'wrong-token-999' })), notification());
  assert.ok(
    !auth.ok && !auth.retryable && auth.status === 401 && !auth.error.includes('wrong-token-999'),
    JSON.stringify(auth),
  );
  r.fault({
    status: 429,
    headers: { 'retry-after': '7' },
    body: '{"code":20429,"message":"Too Many Requests"}',
  });
  const limited = await send(channel('sms', settings()), notification());
  assert.ok(!limited.ok && limited.retryable && limited.retryAfterMs === 7_000);
});

test('settings are validated without echoing secrets', () => {
  assert.throws(
    () => channel('sms', settings({ accountSid: 'nope' }), 'phone'),
    /channels\.phone\.accountSid: must be AC followed by 32 hex digits/,
  );
  assert.throws(
    () => channel('sms', settings({ to: '5550002222' }), 'phone'),
    /channels\.phone\.to: must be phone numbers in E\.164 form/,
  );
});

test('several numbers, a failure after the first, a restart: each number is texted exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-sms-'));
  const file = join(dir, 'mcpwatch.db');
  const numbers = ['+15550002222', '+15550003333', '+15550004444'];
  const tos = (): string[] => r.accepted.map((q) => new URLSearchParams(q.body).get('To') ?? '');
  try {
    r.accepted.length = 0;
    const s1 = openSqliteStore(file);
    await s1.writeJudgement({ outbox: [toOutboxMessage(notification({ createdAt: T0 }), 'pager')] });
    r.fault('pass', {
      status: 503,
      headers: { 'content-type': 'application/json' },
      body: '{"code":20503,"message":"Service Unavailable"}',
    });
    const first = await new DeliveryWorker({
      store: s1,
      channels: [channel('sms', settings({ to: numbers }), 'pager')],
      now: () => T0,
    }).runOnce();
    assert.deepEqual(first, { sent: 0, retried: 1, failed: 0, cancelled: 0 });
    assert.deepEqual(tos(), [numbers[0]]);
    await s1.close(); // the process stops before the retry

    const s2 = openSqliteStore(file);
    const again = await new DeliveryWorker({
      store: s2,
      channels: [channel('sms', settings({ to: numbers }), 'pager')], // a new channel: no memory
      now: () => T0 + 10 * MIN,
    }).runOnce();
    assert.deepEqual(again, { sent: 1, retried: 0, failed: 0, cancelled: 0 });
    assert.deepEqual(tos(), numbers, 'nobody texted twice, nobody left out');
    assert.deepEqual(await s2.listMeta('alerts:recipients:'), [], 'the record goes with the sent message');
    await s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
