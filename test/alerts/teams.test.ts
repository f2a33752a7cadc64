import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY, MIN, T0, notification } from './fixtures.js';
import { bodyOf, channel, send } from './channel-helpers.js';
import { startTeamsReceiver } from './receivers/teams.js';
import type { Receiver } from './receivers/server.js';

let r: Receiver;
before(async () => {
  r = await startTeamsReceiver();
});
after(() => r.close());

test('a message with one Adaptive Card 1.4 attachment; the workflow answers 202', async () => {
  r.accepted.length = 0;
  const teams = channel('teams', { url: `${r.url}/workflows/abc/triggers/manual/paths/invoke?sig=SECRET` });
  const o = await send(teams, notification(), { now: T0 + MIN });
  assert.deepEqual(o, { ok: true, status: 202, answer: '' });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(bodyOf(r.accepted[0]!), {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'Container',
              style: 'attention',
              bleed: true,
              items: [
                {
                  type: 'TextBlock',
                  text: '🔴 P1 DOWN: docs-search — MCP initialize failed (timeout)',
                  weight: 'Bolder',
                  size: 'Medium',
                  wrap: true,
                },
              ],
            },
            {
              type: 'FactSet',
              facts: [
                { title: 'Server', value: 'docs-search' },
                { title: 'Severity', value: 'P1 · complete outage' },
                { title: 'Failing', value: 'MCP initialize (initialize layer)' },
                { title: 'Error', value: 'timeout — initialize timed out after 10 s' },
                { title: 'Since', value: '08:58 UTC, 6 Jan 2025 (3 min ago)' },
                { title: 'Probes', value: '3 failed in a row' },
                { title: 'Last good probe', value: '08:57 UTC, 6 Jan 2025 (4 min ago)' },
                { title: 'Incident', value: 'inc-1' },
              ],
            },
            {
              type: 'TextBlock',
              text: 'mcpwatch · incident inc-1 · 09:00 UTC, 6 Jan 2025',
              isSubtle: true,
              size: 'Small',
              wrap: true,
            },
          ],
          actions: [
            {
              type: 'Action.OpenUrl',
              title: 'Acknowledge',
              url: 'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
            },
            { type: 'Action.OpenUrl', title: 'Dashboard', url: 'http://localhost:8080/incidents/inc-1' },
            { type: 'Action.OpenUrl', title: 'Status page', url: 'http://localhost:8080/status/public' },
          ],
        },
      },
    ],
  });
});

test('container styles per kind; a digest is a text block; errors never show the signed URL', async () => {
  r.accepted.length = 0;
  const teams = channel('teams', { url: `${r.url}/invoke?sig=SECRETSIG123` });
  await send(teams, notification({ severity: 'P2' }));
  await send(teams, notification({ kind: 'resolve', resolvedAt: T0 + MIN }));
  await send(
    teams,
    notification({
      kind: 'digest',
      severity: 'P3',
      server: null,
      incidentId: null,
      failure: null,
      digest: { from: T0 - 7 * DAY, to: T0, warnings: [], postmortems: [] },
    }),
  );
  assert.deepEqual(r.rejected, []);
  const cards = r.accepted.map(
    (q) => (bodyOf(q).attachments as { content: { body: { style?: string; type: string }[] } }[])[0]?.content,
  );
  assert.deepEqual(
    cards.map((c) => c?.body[0]?.style),
    ['warning', 'good', 'emphasis'],
  );
  assert.equal(cards[2]?.body[1]?.type, 'TextBlock');
  await r.close();
  const down = await send(teams, notification());
  assert.ok(!down.ok && down.retryable && !down.error.includes('SECRETSIG123'));
  r = await startTeamsReceiver();
});
