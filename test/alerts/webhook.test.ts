import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ChannelConfigError } from '../../src/alerts/settings.js';
import { MIN, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startWebhookReceiver } from './receivers/webhook.js';
import type { Receiver } from './receivers/server.js';

const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEW = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const receivers: Receiver[] = [];
after(async () => Promise.all(receivers.map((r) => r.close())));

async function receiver(secret: string): Promise<Receiver> {
  const r = await startWebhookReceiver(secret);
  receivers.push(r);
  return r;
}

test('the payload is the documented JSON, signed so that standardwebhooks verifies it', async () => {
  const r = await receiver(OLD);
  const hook = channel('webhook', { url: `${r.url}/hook`, secret: OLD });
  const now = Date.now();
  const outcome = await send(hook, notification(), { now, messageId: 'inc-1:trigger:P1:hook' });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(outcome, { ok: true, status: 200, answer: '{"received":true}' });
  const [req] = r.accepted;
  assert.ok(req);
  assert.equal(req.path, '/hook');
  assert.equal(req.headers['webhook-timestamp'], String(Math.floor(now / 1000)));
  assert.match(req.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(bodyOf(req), {
    type: 'incident.triggered',
    timestamp: '2025-01-06T09:00:00.000Z',
    data: {
      kind: 'trigger',
      test: false,
      incidentId: 'inc-1',
      severity: 'P1',
      server: 'docs-search',
      summary: 'P1 DOWN: docs-search — MCP initialize failed (timeout)',
      failure: {
        layer: 'initialize',
        step: 'MCP initialize',
        code: 'timeout',
        message: 'initialize timed out after 10 s',
      },
      consecutiveFailures: 3,
      since: '2025-01-06T08:58:00.000Z',
      openedAt: '2025-01-06T09:00:00.000Z',
      lastGoodAt: '2025-01-06T08:57:00.000Z',
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      escalation: null,
      raisedFrom: null,
      links: {
        statusPage: 'http://localhost:8080/status/public',
        acknowledge: 'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
        dashboard: 'http://localhost:8080/incidents/inc-1',
      },
      digest: null,
    },
  });
});

test('escalate, resolve and test events carry their type and facts', async () => {
  const r = await receiver(OLD);
  const hook = channel('webhook', { url: r.url, secret: OLD });
  await send(hook, notification({ kind: 'escalate', escalation: { level: 'P1', afterMs: 5 * MIN } }));
  await send(
    hook,
    notification({
      kind: 'resolve',
      resolvedAt: T0 + 20 * MIN,
      links: { statusPage: null, acknowledge: null, dashboard: null },
    }),
  );
  await send(hook, notification({ kind: 'test' }));
  assert.deepEqual(r.rejected, []);
  const bodies = r.accepted.map(bodyOf) as { type: string; data: Record<string, unknown> }[];
  assert.deepEqual(
    bodies.map((b) => b.type),
    ['incident.escalated', 'incident.resolved', 'test'],
  );
  assert.deepEqual(bodies[0]?.data.escalation, { level: 'P1', afterSeconds: 300 });
  assert.equal(bodies[1]?.data.resolvedAt, '2025-01-06T09:20:00.000Z');
  assert.equal(bodies[2]?.data.test, true);
});

test('during a secret rotation each message carries one signature per secret; old and new receivers both verify', async () => {
  const oldSide = await receiver(OLD);
  const newSide = await receiver(NEW);
  for (const r of [oldSide, newSide]) {
    const hook = channel('webhook', { url: r.url, secret: [OLD, NEW] });
    assert.equal((await send(hook, notification())).ok, true);
    assert.deepEqual(r.rejected, []);
    assert.equal(r.accepted[0]?.headers['webhook-signature']?.split(' ').length, 2);
  }
});

test('a receiver with another secret rejects the message: a permanent failure', async () => {
  const r = await receiver(NEW);
  const outcome = await send(channel('webhook', { url: r.url, secret: OLD }), notification());
  assert.equal(r.rejected.length, 1);
  assert.match(r.rejected[0]?.problems[0] ?? '', /No matching signature/);
  assert.deepEqual(outcome, {
    ok: false,
    retryable: false,
    status: 401,
    error: 'HTTP 401: {"error":"invalid signature"}',
  });
});

test('webhook-id is stable across retries of one message and differs between messages', async () => {
  const r = await receiver(OLD);
  const hook = channel('webhook', { url: r.url, secret: OLD });
  await send(hook, notification(), { messageId: 'inc-1:trigger:P1:hook' });
  await send(hook, notification(), { messageId: 'inc-1:trigger:P1:hook', now: Date.now() + 2_000 });
  await send(hook, notification({ kind: 'resolve' }), { messageId: 'inc-1:resolve:hook' });
  const ids = r.accepted.map((q) => q.headers['webhook-id']);
  assert.equal(ids[0], ids[1]);
  assert.notEqual(ids[0], ids[2]);
  assert.notEqual(
    r.accepted[0]?.headers['webhook-signature'],
    r.accepted[1]?.headers['webhook-signature'],
    'new timestamp, new signature',
  );
});

test('a secret that is not whsec_ base64 is a configuration error that does not echo it', () => {
  assert.throws(
    () => channel('webhook', { url: 'http://127.0.0.1:9/x', secret: 'hunter2-not-base64!' }, 'hook'),
    (err: unknown) =>
      err instanceof ChannelConfigError &&
      err.message === 'channels.hook.secret: must be whsec_ followed by 16 to 64 base64-encoded bytes',
  );
  assert.throws(
    () => channel('webhook', { url: 'http://127.0.0.1:9/x' }, 'hook'),
    /channels\.hook\.secret: is required/,
  );
});
