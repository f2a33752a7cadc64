import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MIN, PD_KEY, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startPagerDutyReceiver } from './receivers/pagerduty.js';
import type { Receiver } from './receivers/server.js';

let r: Receiver;
before(async () => {
  r = await startPagerDutyReceiver(PD_KEY);
});
after(() => r.close());

test('trigger, acknowledge and resolve land on one PagerDuty alert (one dedup_key), answered 202', async () => {
  r.accepted.length = 0;
  const pd = channel('pagerduty', { routingKey: PD_KEY, url: `${r.url}/v2/enqueue` });
  const now = T0 + MIN;
  const trig = await send(pd, notification(), { now });
  const ack = await send(
    pd,
    notification({ kind: 'acknowledge', acknowledgedAt: T0 + 3 * MIN, acknowledgedBy: 'alice' }),
    { now },
  );
  const res = await send(pd, notification({ kind: 'resolve', resolvedAt: T0 + 9 * MIN }), { now });
  assert.deepEqual(r.rejected, []);
  for (const o of [trig, ack, res])
    assert.deepEqual(o, {
      ok: true,
      status: 202,
      receiverId: 'mcpwatch/inc-1',
      answer: '{"status":"success","message":"Event processed","dedup_key":"mcpwatch/inc-1"}',
    });
  const [t, a, z] = r.accepted.map(bodyOf);
  assert.deepEqual(t, {
    routing_key: PD_KEY,
    event_action: 'trigger',
    dedup_key: 'mcpwatch/inc-1',
    payload: {
      summary: 'P1 DOWN: docs-search — MCP initialize failed (timeout)',
      source: 'docs-search',
      severity: 'critical',
      timestamp: '2025-01-06T09:00:00.000Z',
      component: 'initialize',
      group: 'mcp-servers',
      class: 'timeout',
      custom_details: {
        Server: 'docs-search',
        Severity: 'P1 · complete outage',
        Failing: 'MCP initialize (initialize layer)',
        Error: 'timeout — initialize timed out after 10 s',
        Since: '08:58 UTC, 6 Jan 2025 (3 min ago)',
        Probes: '3 failed in a row',
        'Last good probe': '08:57 UTC, 6 Jan 2025 (4 min ago)',
        Incident: 'inc-1',
      },
    },
    client: 'mcpwatch',
    client_url: 'http://localhost:8080/incidents/inc-1',
    links: [
      { href: 'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc', text: 'Acknowledge' },
      { href: 'http://localhost:8080/incidents/inc-1', text: 'Dashboard' },
      { href: 'http://localhost:8080/status/public', text: 'Status page' },
    ],
  });
  assert.deepEqual(a, { routing_key: PD_KEY, event_action: 'acknowledge', dedup_key: 'mcpwatch/inc-1' });
  assert.deepEqual(z, { routing_key: PD_KEY, event_action: 'resolve', dedup_key: 'mcpwatch/inc-1' });
});

test('severity maps P1 critical, P2 error; tests are info with their own dedup key; summaries are cut at 1024', async () => {
  r.accepted.length = 0;
  const pd = channel('pagerduty', { routingKey: PD_KEY, url: `${r.url}/v2/enqueue` });
  await send(pd, notification({ severity: 'P2' }));
  await send(pd, notification({ kind: 'test', incidentId: null }), { messageId: 'test:1:pager' });
  await send(pd, notification({ server: 'x'.repeat(2000) }));
  assert.deepEqual(r.rejected, []);
  const events = r.accepted.map(bodyOf) as {
    dedup_key: string;
    payload: { severity: string; summary: string };
  }[];
  assert.deepEqual(
    events.map((e) => e.payload.severity),
    ['error', 'info', 'critical'],
  );
  assert.equal(events[1]?.dedup_key, 'mcpwatch/test/test:1:pager');
  assert.equal(events[2]?.payload.summary.length, 1024);
});

test('an invalid routing key is a permanent failure; digests are refused without a request', async () => {
  const pd = channel('pagerduty', {
    routingKey: 'wrong-key-00000000000000000000000',
    url: `${r.url}/v2/enqueue`,
  });
  const o = await send(pd, notification());
  assert.equal(o.ok, false);
  assert.equal(!o.ok && o.retryable, false);
  assert.equal(!o.ok && o.status, 400);
  assert.ok(!o.ok && !o.error.includes('wrong-key'), 'the key never appears in errors');
  const before = r.all.length;
  const d = await send(pd, notification({ kind: 'digest' }));
  assert.deepEqual(d, { ok: false, retryable: false, error: 'pagerduty channels do not take digests' });
  assert.equal(r.all.length, before);
});
