import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from '../../src/alerts/channel.js';
import {
  notificationTimeline,
  planAcknowledgement,
  planDue,
  planNotifications,
} from '../../src/alerts/outbox.js';
import { verifyAckToken } from '../../src/alerts/ack-token.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { EngineEvent } from '../../src/engine/types.js';
import { ACK_SECRET, MIN, T0, incident, outboxRows } from './fixtures.js';
import { routingConfig } from './routing-config.js';

const config = routingConfig();
const keys = (events: EngineEvent[], now = T0): string[] =>
  planNotifications(events, config, now, { ackSecret: ACK_SECRET }).map((m) => m.key);

test('an opened incident pages its route, with a deterministic key per incident, kind and channel', () => {
  const i = incident({ id: 'inc-7' });
  const [m] = planNotifications([{ type: 'incident_opened', incident: i }], config, T0, {
    ackSecret: ACK_SECRET,
  });
  assert.deepEqual(keys([{ type: 'incident_opened', incident: i }]), [
    'inc-7:trigger:P1:pager',
    'inc-7:trigger:P1:hook',
  ]);
  assert.ok(m);
  assert.deepEqual(
    { ...m, payload: undefined },
    {
      key: 'inc-7:trigger:P1:pager',
      channel: 'pager',
      incidentId: 'inc-7',
      payload: undefined,
      createdAt: T0,
      notBefore: T0,
      attempts: 0,
      status: 'pending',
      lastError: null,
    },
  );
  const n = m.payload as Notification;
  assert.deepEqual(
    {
      kind: n.kind,
      severity: n.severity,
      server: n.server,
      failure: n.failure,
      consecutiveFailures: n.consecutiveFailures,
      since: n.since,
      lastGoodAt: n.lastGoodAt,
    },
    {
      kind: 'trigger',
      severity: 'P1',
      server: 'docs-search',
      failure: {
        layer: 'initialize',
        step: 'MCP initialize',
        code: 'timeout',
        message: 'initialize timed out after 10 s',
      },
      consecutiveFailures: 3,
      since: T0 - 2 * MIN,
      lastGoodAt: T0 - 3 * MIN,
    },
  );
  assert.equal(n.links.statusPage, 'https://mon.example.com/status/public');
  assert.equal(n.links.dashboard, 'https://mon.example.com/incidents/inc-7');
  const token = /\/ack\/(.+)$/.exec(n.links.acknowledge ?? '')?.[1] ?? '';
  assert.deepEqual(verifyAckToken(token, ACK_SECRET, T0), {
    ok: true,
    incidentId: 'inc-7',
    expiresAt: T0 + 7 * 86_400_000,
  });
});

test('no ack secret, no ack link', () => {
  const [m] = planNotifications([{ type: 'incident_opened', incident: incident() }], config, T0);
  assert.equal((m?.payload as Notification).links.acknowledge, null);
});

test('a raise to P1 pages the P1 route; the resolve reaches every channel that heard a trigger', () => {
  const raised = incident({
    timeline: [
      { at: T0, kind: 'opened', message: '' },
      { at: T0 + 10 * MIN, kind: 'severity_raised', message: '' },
    ],
  });
  assert.deepEqual(
    keys([
      {
        type: 'incident_opened',
        incident: { ...raised, severity: 'P2', timeline: raised.timeline.slice(0, 1) },
      },
    ]),
    ['inc-1:trigger:P2:team', 'inc-1:trigger:P2:hook'],
  );
  const raise = planNotifications(
    [{ type: 'incident_severity_raised', incident: raised, from: 'P2' }],
    config,
    T0 + 10 * MIN,
  );
  assert.deepEqual(
    raise.map((m) => m.key),
    ['inc-1:trigger:P1:pager', 'inc-1:trigger:P1:hook'],
  );
  assert.equal((raise[0]?.payload as Notification).raisedFrom, 'P2');
  const resolved = { ...raised, resolvedAt: T0 + 12 * MIN, status: 'resolved' as const };
  assert.deepEqual(keys([{ type: 'incident_resolved', incident: resolved }], T0 + 12 * MIN), [
    'inc-1:resolve:team',
    'inc-1:resolve:hook',
    'inc-1:resolve:pager',
  ]);
});

test('status changes and P3 warnings send nothing by themselves', () => {
  const w = {
    id: 'w1',
    server: 'docs-search',
    rule: 'cert_expiring' as const,
    message: 'cert expires in 9 days',
    openedAt: T0,
    clearedAt: null,
  };
  assert.deepEqual(
    keys([
      {
        type: 'incident_status_changed',
        incident: incident({ status: 'identified' }),
        from: 'investigating',
      },
    ]),
    [],
  );
  assert.deepEqual(
    keys([
      { type: 'warning_raised', warning: w },
      { type: 'warning_cleared', warning: { ...w, clearedAt: T0 } },
    ]),
    [],
  );
});

test('maintenance mutes triggers; an incident entirely inside maintenance sends no resolve either', () => {
  const inside = Date.parse('2025-01-06T10:30:00Z');
  const b = incident({ id: 'b', server: 'billing', openedAt: inside });
  assert.deepEqual(keys([{ type: 'incident_opened', incident: b }], inside), []);
  assert.deepEqual(
    keys([{ type: 'incident_resolved', incident: { ...b, resolvedAt: inside + 5 * MIN } }], inside + 5 * MIN),
    [],
  );
  const before = incident({ id: 'b2', server: 'billing', openedAt: inside - HOUR_AND_HALF });
  assert.deepEqual(
    keys([{ type: 'incident_resolved', incident: { ...before, resolvedAt: inside } }], inside),
    ['b2:resolve:phone', 'b2:resolve:backup'],
  );
});
const HOUR_AND_HALF = 90 * MIN;

test('acknowledgements go to every channel that was paged', () => {
  const acked = incident({ acknowledgedAt: T0 + 7 * MIN, acknowledgedBy: 'alice' });
  const msgs = planAcknowledgement(acked, config, T0 + 7 * MIN);
  assert.deepEqual(
    msgs.map((m) => m.key),
    ['inc-1:acknowledge:pager', 'inc-1:acknowledge:hook', 'inc-1:acknowledge:backup'],
  );
  assert.equal((msgs[0]?.payload as Notification).acknowledgedBy, 'alice');
  assert.equal((msgs[0]?.payload as Notification).links.acknowledge, null);
  assert.deepEqual(planAcknowledgement(incident(), config, T0), []);
});

test('planning the same events again (a restart) writes nothing new', async () => {
  const store = openSqliteStore(':memory:');
  const events: EngineEvent[] = [{ type: 'incident_opened', incident: incident() }];
  await store.writeJudgement({ outbox: planNotifications(events, config, T0) });
  await store.writeJudgement({ outbox: planNotifications(events, config, T0 + 30_000) });
  assert.deepEqual(
    outboxRows(store).map((r) => [r.key, r.createdAt]),
    [
      ['inc-1:trigger:P1:pager', T0],
      ['inc-1:trigger:P1:hook', T0],
    ],
  );
  await store.close();
});

test('timeline entries for what was planned: one per incident and notification', () => {
  const opened = planNotifications([{ type: 'incident_opened', incident: incident() }], config, T0);
  const escalated = planDue([incident()], config, T0 + 5 * MIN);
  assert.deepEqual(notificationTimeline([...opened, ...escalated]), [
    {
      incidentId: 'inc-1',
      entry: { at: T0, kind: 'notification', message: 'P1 alert queued for pager, hook' },
    },
    {
      incidentId: 'inc-1',
      entry: {
        at: T0 + 5 * MIN,
        kind: 'escalated',
        message: 'P1 not acknowledged within 5 min: escalated to backup',
      },
    },
  ]);
});
