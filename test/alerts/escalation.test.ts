import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escalationsDue, nextEscalationAt } from '../../src/alerts/escalation.js';
import { planDue } from '../../src/alerts/outbox.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Incident } from '../../src/engine/types.js';
import type { Notification } from '../../src/alerts/channel.js';
import { ACK_SECRET, HOUR, MIN, T0, incident, outboxRows } from './fixtures.js';
import { routingConfig } from './routing-config.js';

const config = routingConfig();
const levels = (i: Incident, at: number): string[] =>
  escalationsDue(i, config, at).map((e) => `${e.level}@${(e.dueAt - T0) / MIN}m->${e.to.join('+')}`);

test('an unacknowledged P1 escalates to the backup after 5 minutes, not before', () => {
  const p1 = incident();
  assert.deepEqual(levels(p1, T0 + 5 * MIN - 1), []);
  assert.deepEqual(levels(p1, T0 + 5 * MIN), ['P1@5m->backup']);
  assert.deepEqual(levels(p1, T0 + 5 * HOUR), ['P1@5m->backup'], 'still one escalation hours later');
  assert.equal(nextEscalationAt(p1, config, T0), T0 + 5 * MIN);
});

test('acknowledged or resolved in time: no escalation; acknowledged late: the escalation stands', () => {
  assert.deepEqual(levels(incident({ acknowledgedAt: T0 + 4 * MIN }), T0 + HOUR), []);
  assert.deepEqual(
    levels(incident({ acknowledgedAt: T0 + 5 * MIN }), T0 + HOUR),
    [],
    'acknowledged at the deadline',
  );
  assert.deepEqual(levels(incident({ resolvedAt: T0 + 2 * MIN }), T0 + HOUR), []);
  assert.deepEqual(levels(incident({ acknowledgedAt: T0 + 6 * MIN }), T0 + HOUR), ['P1@5m->backup']);
  assert.equal(nextEscalationAt(incident({ acknowledgedAt: T0 + MIN }), config, T0 + 2 * MIN), null);
});

test('a P1 whose server recovered (monitoring) at its deadline does not escalate; one that relapsed does', () => {
  const recovering = incident({
    status: 'monitoring',
    timeline: [
      { at: T0, kind: 'opened', message: 'P1 consecutive_failures' },
      { at: T0 + 3 * MIN, kind: 'status', message: 'investigating → monitoring: 2 consecutive good probes' },
    ],
  });
  assert.deepEqual(levels(recovering, T0 + HOUR), []);
  const relapsed = incident({
    timeline: [
      ...recovering.timeline,
      { at: T0 + 4 * MIN, kind: 'status', message: 'monitoring → investigating: a failed probe' },
    ],
  });
  assert.deepEqual(levels(relapsed, T0 + HOUR), ['P1@5m->backup']);
});

test('an unacknowledged P2 escalates to the paging channels after 30 minutes', () => {
  const p2 = incident({ severity: 'P2' });
  assert.deepEqual(levels(p2, T0 + 29 * MIN), []);
  assert.deepEqual(levels(p2, T0 + 30 * MIN), ['P2@30m->pager']);
});

test('a P2 raised to P1 escalates on the P1 clock from the raise', () => {
  const raised = (at: number): Incident =>
    incident({
      timeline: [
        { at: T0, kind: 'opened', message: '' },
        { at, kind: 'severity_raised', message: '' },
      ],
    });
  assert.deepEqual(levels(raised(T0 + 10 * MIN), T0 + 14 * MIN), []);
  assert.deepEqual(
    levels(raised(T0 + 10 * MIN), T0 + HOUR),
    ['P1@15m->backup'],
    'raised before its P2 deadline: only P1',
  );
  assert.deepEqual(
    levels(raised(T0 + 40 * MIN), T0 + HOUR),
    ['P2@30m->pager', 'P1@45m->backup'],
    'each level once',
  );
});

test('ticking every 15 s for two hours plans each escalation exactly once', async () => {
  const store = openSqliteStore(':memory:');
  const incidents = [incident({ id: 'p1' }), incident({ id: 'p2', severity: 'P2', openedAt: T0 + MIN })];
  for (let t = T0; t <= T0 + 2 * HOUR; t += 15_000) {
    await store.writeJudgement({ outbox: planDue(incidents, config, t, { ackSecret: ACK_SECRET }) });
  }
  const rows = outboxRows(store);
  assert.deepEqual(
    rows.map((r) => [r.key, r.createdAt - T0]),
    [
      ['p1:escalate:P1:backup', 5 * MIN],
      ['p2:escalate:P2:pager', 31 * MIN],
    ],
  );
  const n = rows[0]?.payload as Notification;
  assert.equal(n.kind, 'escalate');
  assert.deepEqual(n.escalation, { level: 'P1', afterMs: 5 * MIN });
  assert.match(n.links.acknowledge ?? '', /^https:\/\/mon\.example\.com\/ack\/v1\./);
  await store.close();
});

test('maintenance: nothing while muted; the muted trigger goes out when the window ends, the escalation clock starts then', () => {
  const opened = Date.parse('2025-01-06T10:30:00Z');
  const end = Date.parse('2025-01-06T12:00:00Z');
  const billing = incident({ id: 'b1', server: 'billing', openedAt: opened });
  assert.deepEqual(planDue([billing], config, opened + 10 * MIN), []);
  assert.deepEqual(planDue([billing], config, end - 1), []);
  assert.deepEqual(
    planDue([billing], config, end).map((m) => m.key),
    ['b1:trigger:P1:phone'],
  );
  assert.deepEqual(
    planDue([billing], config, end + 5 * MIN - 1).map((m) => m.key),
    ['b1:trigger:P1:phone'],
  );
  assert.deepEqual(
    planDue([billing], config, end + 5 * MIN).map((m) => m.key),
    ['b1:trigger:P1:phone', 'b1:escalate:P1:backup'],
  );
});
