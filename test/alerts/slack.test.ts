import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY, MIN, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startSlackReceiver } from './receivers/slack.js';
import type { Receiver } from './receivers/server.js';
import type { Notification } from '../../src/alerts/channel.js';

let r: Receiver;
before(async () => {
  r = await startSlackReceiver();
});
after(() => r.close());

test('a trigger is Block Kit with a text fallback, and Slack answers "ok"', async () => {
  r.accepted.length = 0;
  const slack = channel('slack', { url: `${r.url}/services/T000/B000/XXXX` });
  const o = await send(slack, notification(), { now: T0 + MIN });
  assert.deepEqual(o, { ok: true, status: 200, answer: 'ok' });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(bodyOf(r.accepted[0]!), {
    text: 'P1 DOWN: docs-search — MCP initialize failed (timeout). 3 failed probes, since 08:58 UTC, 6 Jan 2025 (3 min ago). Ack: http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: '🔴 P1 DOWN: docs-search — MCP initialize failed (timeout)',
          emoji: true,
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Server*\ndocs-search' },
          { type: 'mrkdwn', text: '*Severity*\nP1 · complete outage' },
          { type: 'mrkdwn', text: '*Failing*\nMCP initialize (initialize layer)' },
          { type: 'mrkdwn', text: '*Error*\ntimeout — initialize timed out after 10 s' },
          { type: 'mrkdwn', text: '*Since*\n08:58 UTC, 6 Jan 2025 (3 min ago)' },
          { type: 'mrkdwn', text: '*Probes*\n3 failed in a row' },
          { type: 'mrkdwn', text: '*Last good probe*\n08:57 UTC, 6 Jan 2025 (4 min ago)' },
          { type: 'mrkdwn', text: '*Incident*\ninc-1' },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Acknowledge' },
            url: 'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
            action_id: 'mcpwatch-link-0',
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Dashboard' },
            url: 'http://localhost:8080/incidents/inc-1',
            action_id: 'mcpwatch-link-1',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Status page' },
            url: 'http://localhost:8080/status/public',
            action_id: 'mcpwatch-link-2',
          },
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'mcpwatch · incident inc-1 · 09:00 UTC, 6 Jan 2025' }],
      },
    ],
  });
});

test('Slack mrkdwn is escaped; long headers and digests stay within Block Kit limits', async () => {
  r.accepted.length = 0;
  const slack = channel('slack', { url: r.url });
  await send(
    slack,
    notification({
      failure: { layer: 'http', step: 'HTTP request', code: 'status_5xx', message: 'got <html> & a 502' },
    }),
  );
  await send(slack, notification({ server: 'x'.repeat(400) }));
  const many = Array.from({ length: 400 }, (_, i) => ({
    server: `server-${i % 7}`,
    rule: 'cert_expiring',
    message: `certificate ${i} expires soon, renew it before it is too late`,
    openedAt: T0 - DAY,
    clearedAt: null,
  }));
  const digest: Notification = notification({
    kind: 'digest',
    severity: 'P3',
    server: null,
    incidentId: null,
    failure: null,
    digest: { from: T0 - 7 * DAY, to: T0, warnings: many, postmortems: [] },
  });
  await send(slack, digest);
  assert.deepEqual(
    r.rejected.map((x) => x.problems),
    [],
  );
  const first = JSON.stringify(bodyOf(r.accepted[0]!));
  assert.ok(first.includes('got &lt;html&gt; &amp; a 502'));
  assert.equal(r.accepted.length, 3);
});

test('Slack errors: invalid payloads are permanent, archived channels (410) disable the channel', async () => {
  const slack = channel('slack', { url: `${r.url}/services/T/B/SECRETPART` });
  r.fault({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid_blocks' });
  assert.deepEqual(await send(slack, notification()), {
    ok: false,
    retryable: false,
    status: 400,
    error: 'HTTP 400: invalid_blocks',
  });
  r.fault({ status: 410, headers: { 'content-type': 'text/plain' }, body: 'channel_is_archived' });
  assert.deepEqual(await send(slack, notification()), {
    ok: false,
    retryable: false,
    status: 410,
    error: 'HTTP 410: channel_is_archived',
    disable: true,
  });
});
