import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY, MIN, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startDiscordReceiver } from './receivers/discord.js';
import { json, type Receiver } from './receivers/server.js';

let r: Receiver;
before(async () => {
  r = await startDiscordReceiver();
});
after(() => r.close());

test('one embed coloured by severity, facts as fields, links in the description, mentions off; 204', async () => {
  r.accepted.length = 0;
  const d = channel('discord', { url: `${r.url}/api/webhooks/123/token` });
  const o = await send(d, notification(), { now: T0 + MIN });
  assert.deepEqual(o, { ok: true, status: 204, answer: '' });
  assert.deepEqual(r.rejected, []);
  assert.equal(r.accepted[0]?.query.get('wait'), null);
  assert.deepEqual(bodyOf(r.accepted[0]!), {
    username: 'mcpwatch',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: '🔴 P1 DOWN: docs-search — MCP initialize failed (timeout)',
        url: 'http://localhost:8080/incidents/inc-1',
        description:
          '[Acknowledge](http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc) · [Dashboard](http://localhost:8080/incidents/inc-1) · [Status page](http://localhost:8080/status/public)',
        color: 0xe01e5a,
        fields: [
          { name: 'Server', value: 'docs-search', inline: true },
          { name: 'Severity', value: 'P1 · complete outage', inline: true },
          { name: 'Failing', value: 'MCP initialize (initialize layer)', inline: true },
          { name: 'Error', value: 'timeout — initialize timed out after 10 s', inline: false },
          { name: 'Since', value: '08:58 UTC, 6 Jan 2025 (3 min ago)', inline: true },
          { name: 'Probes', value: '3 failed in a row', inline: true },
          { name: 'Last good probe', value: '08:57 UTC, 6 Jan 2025 (4 min ago)', inline: true },
          { name: 'Incident', value: 'inc-1', inline: true },
        ],
        footer: { text: 'mcpwatch · incident inc-1' },
        timestamp: '2025-01-06T09:00:00.000Z',
      },
    ],
  });
});

test('colours: P2 amber, resolve green; wait=true returns the message id', async () => {
  r.accepted.length = 0;
  const d = channel('discord', { url: `${r.url}/api/webhooks/123/token`, wait: true });
  await send(d, notification({ severity: 'P2' }));
  const o = await send(d, notification({ kind: 'resolve', resolvedAt: T0 + 5 * MIN }));
  assert.equal(r.accepted[1]?.query.get('wait'), 'true');
  assert.ok(o.ok && /^\d+$/.test(o.receiverId ?? ''));
  const colors = r.accepted.map((q) => (bodyOf(q).embeds as { color: number }[])[0]?.color);
  assert.deepEqual(colors, [0xf2a20c, 0x2eb67d]);
});

test('a large digest stays within the 6000-character embed budget', async () => {
  r.accepted.length = 0;
  const warnings = Array.from({ length: 300 }, (_, i) => ({
    server: 'docs-search',
    rule: 'latency_trend',
    message: `p95 creeping up, sample ${i}`,
    openedAt: T0 - DAY,
    clearedAt: null,
  }));
  await send(
    channel('discord', { url: r.url }),
    notification({
      kind: 'digest',
      severity: 'P3',
      server: null,
      incidentId: null,
      failure: null,
      digest: { from: T0 - 7 * DAY, to: T0, warnings, postmortems: [] },
    }),
  );
  assert.deepEqual(
    r.rejected.map((x) => x.problems),
    [],
  );
  assert.equal(r.accepted.length, 1);
});

test('429 from Discord: Retry-After header, or retry_after in the body when the header is missing', async () => {
  const d = channel('discord', { url: r.url });
  r.fault(
    json(
      429,
      { message: 'You are being rate limited.', retry_after: 2.5, global: false },
      { 'retry-after': '3' },
    ),
  );
  const a = await send(d, notification());
  assert.ok(!a.ok && a.retryable && a.retryAfterMs === 3_000 && a.status === 429);
  r.fault(json(429, { message: 'You are being rate limited.', retry_after: 2.5, global: false }));
  const b = await send(d, notification());
  assert.ok(!b.ok && b.retryable && b.retryAfterMs === 2_500);
});
