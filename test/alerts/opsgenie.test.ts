import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { opsgenieBaseUrl } from '../../src/alerts/channels/opsgenie.js';
import { MIN, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startOpsgenieReceiver, type OpsgenieAlert } from './receivers/opsgenie.js';
import type { Receiver } from './receivers/server.js';

const KEY = 'og-integration-key-0123456789';
let r: Receiver & { alerts: Map<string, OpsgenieAlert> };
before(async () => {
  r = await startOpsgenieReceiver(KEY);
});
after(() => r.close());

test('create, acknowledge and close one alert by alias', async () => {
  const og = channel('opsgenie', { apiKey: KEY, url: r.url });
  const now = T0 + MIN;
  const created = await send(og, notification(), { now });
  assert.equal(created.ok, true);
  assert.match(created.ok ? (created.receiverId ?? '') : '', /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.alerts.get('mcpwatch/inc-1'), {
    alias: 'mcpwatch/inc-1',
    message: 'P1 DOWN: docs-search — MCP initialize failed (timeout)',
    priority: 'P1',
    status: 'open',
    acknowledged: false,
    count: 1,
  });

  await send(
    og,
    notification({ kind: 'acknowledge', acknowledgedAt: T0 + 2 * MIN, acknowledgedBy: 'alice' }),
    { now },
  );
  assert.equal(r.alerts.get('mcpwatch/inc-1')?.acknowledged, true);
  await send(og, notification({ kind: 'resolve', resolvedAt: T0 + 9 * MIN }), { now });
  assert.equal(r.alerts.get('mcpwatch/inc-1')?.status, 'closed');
  assert.deepEqual(r.rejected, []);

  const [create, ack, close] = r.accepted;
  assert.equal(create?.path, '/v2/alerts');
  assert.equal(create?.headers.authorization, `GenieKey ${KEY}`);
  const body = bodyOf(create!);
  assert.deepEqual(
    { ...body, description: undefined },
    {
      message: 'P1 DOWN: docs-search — MCP initialize failed (timeout)',
      alias: 'mcpwatch/inc-1',
      description: undefined,
      tags: ['mcpwatch', 'P1', 'docs-search', 'initialize'],
      details: {
        Server: 'docs-search',
        Severity: 'P1 · complete outage',
        Failing: 'MCP initialize (initialize layer)',
        Error: 'timeout — initialize timed out after 10 s',
        Since: '08:58 UTC, 6 Jan 2025 (3 min ago)',
        Probes: '3 failed in a row',
        'Last good probe': '08:57 UTC, 6 Jan 2025 (4 min ago)',
        Incident: 'inc-1',
      },
      entity: 'docs-search',
      source: 'mcpwatch',
      priority: 'P1',
      user: 'mcpwatch',
    },
  );
  assert.match(
    String(body.description),
    /^P1 DOWN: docs-search[\s\S]*Acknowledge: http:\/\/localhost:8080\/ack\//,
  );
  assert.equal(ack?.path, '/v2/alerts/mcpwatch%2Finc-1/acknowledge');
  assert.equal(ack?.query.get('identifierType'), 'alias');
  assert.deepEqual(bodyOf(ack!), {
    user: 'alice',
    source: 'mcpwatch',
    note: 'ACKNOWLEDGED by alice: docs-search P1 — MCP initialize failed (timeout)',
  });
  assert.equal(close?.path, '/v2/alerts/mcpwatch%2Finc-1/close');
  assert.equal(close?.query.get('identifierType'), 'alias');
  assert.deepEqual(bodyOf(close!), {
    user: 'mcpwatch',
    source: 'mcpwatch',
    note: 'RESOLVED: docs-search is back after 11 min (was P1)',
  });
});

test('message is cut at 130 characters; P2 is priority P2; tests are P5', async () => {
  r.accepted.length = 0;
  const og = channel('opsgenie', { apiKey: KEY, url: r.url });
  await send(og, notification({ incidentId: 'long', server: 'a-server-with-a-rather-long-name-'.repeat(5) }));
  await send(og, notification({ incidentId: 'p2', severity: 'P2' }));
  await send(og, notification({ kind: 'test', incidentId: null }));
  assert.deepEqual(r.rejected, []);
  const bodies = r.accepted.map(bodyOf);
  assert.equal(String(bodies[0]?.message).length, 130);
  assert.deepEqual(
    bodies.map((b) => b.priority),
    ['P1', 'P2', 'P5'],
  );
});

test('a wrong key is a permanent failure that never shows the key', async () => {
  const o = await send(channel('opsgenie', { apiKey: 'not-the-key', url: r.url }), notification());
  assert.deepEqual(o, {
    ok: false,
    retryable: false,
    status: 401,
    error: 'HTTP 401: {"message":"Could not authenticate","took":0}',
  });
});

test('US and EU base URLs by region; url overrides', () => {
  assert.equal(
    opsgenieBaseUrl({ name: 'o', type: 'opsgenie', timeoutMs: 1, settings: { apiKey: 'k' } }),
    'https://api.opsgenie.com',
  );
  assert.equal(
    opsgenieBaseUrl({ name: 'o', type: 'opsgenie', timeoutMs: 1, settings: { apiKey: 'k', region: 'eu' } }),
    'https://api.eu.opsgenie.com',
  );
  assert.equal(
    opsgenieBaseUrl({
      name: 'o',
      type: 'opsgenie',
      timeoutMs: 1,
      settings: { apiKey: 'k', url: 'http://127.0.0.1:1/' },
    }),
    'http://127.0.0.1:1',
  );
  assert.throws(
    () =>
      opsgenieBaseUrl({
        name: 'o',
        type: 'opsgenie',
        timeoutMs: 1,
        settings: { apiKey: 'k', region: 'apac' },
      }),
    /region: must be one of us, eu/,
  );
});
