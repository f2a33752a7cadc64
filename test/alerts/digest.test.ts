import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from '../../src/alerts/channel.js';
import { planDigest } from '../../src/alerts/digest.js';
import { nextDigestAt, parseDigestSchedule, previousDigestAt } from '../../src/alerts/digest-schedule.js';
import type { Warning } from '../../src/engine/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { plainText } from '../../src/alerts/text.js';
import { DAY, HOUR, MIN, T0, configFrom, incident, outboxRows } from './fixtures.js';
import { ROUTING_YAML, routingConfig } from './routing-config.js';

const WEEK = 7 * DAY;

test('schedules: "mon 09:00", the cron form, several days; bad ones are refused', () => {
  assert.deepEqual(parseDigestSchedule('mon 09:00'), { days: [1], hour: 9, minute: 0 });
  assert.deepEqual(parseDigestSchedule('0 9 * * 1'), { days: [1], hour: 9, minute: 0 });
  assert.deepEqual(parseDigestSchedule('30 8 * * 1,2,3,4,5'), { days: [1, 2, 3, 4, 5], hour: 8, minute: 30 });
  assert.deepEqual(parseDigestSchedule('0 9 * * 7'), { days: [0], hour: 9, minute: 0 });
  assert.deepEqual(parseDigestSchedule('weekdays 08:30'), { days: [1, 2, 3, 4, 5], hour: 8, minute: 30 });
  for (const bad of ['mon 25:00', 'someday 09:00', '0 9 1 * 1', '*/5 9 * * 1', '']) {
    assert.throws(() => parseDigestSchedule(bad), /digest schedule/, bad);
  }
});

test('previous and next digest times (UTC and a time zone)', () => {
  const mon9 = parseDigestSchedule('mon 09:00');
  assert.equal(previousDigestAt(mon9, T0), T0, 'T0 is Monday 09:00 UTC');
  assert.equal(previousDigestAt(mon9, T0 - 1), T0 - WEEK);
  assert.equal(nextDigestAt(mon9, T0), T0 + WEEK);
  assert.equal(nextDigestAt(mon9, T0 - 1), T0);
  assert.equal(previousDigestAt(mon9, T0 + 3 * DAY), T0);
  // 09:00 in New York in January is 14:00 UTC.
  assert.equal(previousDigestAt(mon9, T0 + DAY, 'America/New_York'), T0 + 5 * HOUR);
});

const warning = (p: Partial<Warning>): Warning => ({
  id: 'w',
  server: 'docs-search',
  rule: 'cert_expiring',
  message: 'TLS certificate expires in 9 days',
  openedAt: T0 - 3 * DAY,
  clearedAt: null,
  ...p,
});

test("the digest holds the week's warnings for its channel's servers, and postmortems due", () => {
  const config = routingConfig();
  const warnings = [
    warning({ id: 'a' }),
    warning({
      id: 'b',
      rule: 'latency_trend',
      message: 'p95 up 60% over 48 h',
      openedAt: T0 - 10 * DAY,
      clearedAt: T0 - 2 * DAY,
    }),
    warning({ id: 'old', openedAt: T0 - 20 * DAY, clearedAt: T0 - 8 * DAY }),
    warning({ id: 'future', openedAt: T0 + HOUR }),
    warning({ id: 'billing', server: 'billing', message: 'schema changed' }),
  ];
  const incidents = [
    incident({ id: 'done', resolvedAt: T0 - DAY }),
    incident({
      id: 'written',
      resolvedAt: T0 - DAY,
      timeline: [{ at: T0, kind: 'postmortem', message: 'link' }],
    }),
    incident({ id: 'open' }),
  ];
  const msgs = planDigest({ warnings, incidents }, config, T0 + 5 * MIN);
  assert.deepEqual(
    msgs.map((m) => m.key),
    ['digest:2025-01-06T09:00:00.000Z:mail', 'digest:2025-01-06T09:00:00.000Z:team'],
  );
  const mail = msgs[0]?.payload as Notification;
  assert.equal(mail.kind, 'digest');
  assert.equal(mail.severity, 'P3');
  assert.deepEqual(
    mail.digest?.warnings.map((w) => w.message),
    ['p95 up 60% over 48 h', 'TLS certificate expires in 9 days'],
  );
  assert.deepEqual(mail.digest?.postmortems, [
    { incidentId: 'done', server: 'docs-search', severity: 'P1', resolvedAt: T0 - DAY },
  ]);
  assert.equal(mail.digest?.from, T0 - WEEK);
  assert.equal(mail.digest?.to, T0);
  const team = msgs[1]?.payload as Notification;
  assert.deepEqual(
    team.digest?.warnings.map((w) => w.server),
    ['billing'],
  );
  const text = plainText(mail, T0);
  assert.match(text, /^Weekly MCP digest: 2 warnings on 1 server, 1 postmortem due/);
  assert.match(text, /docs-search:\n {2}- p95 up 60% over 48 h \[latency_trend\]/);
});

test('each digest is planned once per schedule; late by more than the grace period, skipped; empty, skipped', async () => {
  const config = routingConfig();
  const store = openSqliteStore(':memory:');
  const data = { warnings: [warning({})], incidents: [] };
  for (let t = T0 - HOUR; t < T0 + 2 * WEEK; t += 30 * MIN)
    await store.writeJudgement({ outbox: planDigest(data, config, t) });
  assert.deepEqual(
    outboxRows(store).map((r) => r.key),
    ['digest:2025-01-06T09:00:00.000Z:mail', 'digest:2025-01-13T09:00:00.000Z:mail'],
  );
  assert.deepEqual(planDigest(data, config, T0 + DAY + 1), [], 'more than 24 h late');
  assert.deepEqual(planDigest({ warnings: [], incidents: [] }, config, T0), []);
  assert.equal(planDigest({ warnings: [], incidents: [] }, config, T0, { sendEmpty: true }).length, 2);
  await store.close();
});

test('the digest follows the configured schedule and time zone', () => {
  const config = configFrom(
    ROUTING_YAML.replace(
      'digest: { schedule: "mon 09:00", channels: [mail] }',
      'digest: { schedule: "fri 17:30", timezone: Europe/Berlin, channels: [mail] }',
    ),
    {
      PD_KEY: 'x'.repeat(32),
      OG_KEY: 'k',
      TW_TOKEN: 't',
      SLACK_URL: 'https://hooks.slack.com/x',
      HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
  );
  const fri = Date.UTC(2025, 0, 10, 16, 30); // 17:30 in Berlin (UTC+1)
  const msgs = planDigest({ warnings: [warning({ openedAt: fri - DAY })], incidents: [] }, config, fri + MIN);
  assert.deepEqual(
    msgs.map((m) => m.key),
    ['digest:2025-01-10T16:30:00.000Z:mail'],
  );
});
