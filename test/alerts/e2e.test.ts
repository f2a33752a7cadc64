/**
 * The alerting path end to end on loopback, as `mcpwatch serve` will run it: engine events and
 * evaluation ticks -> planNotifications/planDue -> Store.writeJudgement (same transaction as the
 * incident) -> DeliveryWorker -> PagerDuty, Slack and webhook receivers that validate every request.
 * Simulated time runs close to the real clock, because the webhook receiver checks signature
 * timestamps against it (5 minutes of tolerance).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../../src/config/types.js';
import type { EngineEvent, Incident } from '../../src/engine/types.js';
import { planAcknowledgement, planDue, planNotifications } from '../../src/alerts/outbox.js';
import { createChannels } from '../../src/alerts/channels/index.js';
import { DeliveryWorker, type DeliveryEvent } from '../../src/alerts/worker.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import {
  ACK_SECRET,
  HOOK_SECRET,
  MIN,
  PD_KEY,
  SimClock,
  exampleConfig,
  incident,
  outboxRows,
} from './fixtures.js';
import { startPagerDutyReceiver } from './receivers/pagerduty.js';
import { startSlackReceiver } from './receivers/slack.js';
import { startWebhookReceiver } from './receivers/webhook.js';
import type { Receiver } from './receivers/server.js';

let pager: Receiver;
let team: Receiver;
let hook: Receiver;
before(async () => {
  pager = await startPagerDutyReceiver(PD_KEY);
  team = await startSlackReceiver();
  hook = await startWebhookReceiver(HOOK_SECRET);
});
after(async () => Promise.all([pager.close(), team.close(), hook.close()]));

function reset(): void {
  for (const r of [pager, team, hook]) {
    r.accepted.length = 0;
    r.rejected.length = 0;
    r.all.length = 0;
  }
}

const withBackup = (): Config =>
  exampleConfig(
    { pager: `${pager.url}/v2/enqueue`, team: `${team.url}/services/T/B/X`, hook: `${hook.url}/hook` },
    'escalation: { P1: { after: 5m, to: [team] } }',
  );

/** What the monitor does each evaluation tick, reduced to the alerting part. */
class Monitor {
  readonly worker: DeliveryWorker;
  readonly events: DeliveryEvent[] = [];
  constructor(
    readonly store: SqliteStore,
    readonly config: Config,
    readonly clock: SimClock,
  ) {
    this.worker = new DeliveryWorker({
      store,
      channels: createChannels(config.channels),
      now: clock.now,
      onEvent: (e) => this.events.push(e),
    });
  }

  async tick(events: EngineEvent[] = [], changed: Incident[] = []): Promise<void> {
    const now = this.clock.now();
    const incidents = [...changed, ...events.flatMap((e) => ('incident' in e ? [e.incident] : []))];
    const open = (await this.store.listIncidents({ open: true })).filter(
      (i) => !incidents.some((x) => x.id === i.id),
    );
    const outbox = [
      ...planNotifications(events, this.config, now, { ackSecret: ACK_SECRET }),
      ...planDue([...open, ...incidents.filter((i) => i.resolvedAt === null)], this.config, now, {
        ackSecret: ACK_SECRET,
      }),
    ];
    await this.store.writeJudgement({ incidents, outbox });
    await this.worker.runOnce();
  }
}

const kinds = (r: Receiver): string[] =>
  r.accepted.map((q) => {
    const b = JSON.parse(q.body) as Record<string, unknown>;
    if ('event_action' in b) return `${String(b.event_action)}:${String(b.dedup_key)}`;
    if ('type' in b) return String(b.type);
    const blocks = b.blocks as { text?: { text: string } }[];
    return (blocks[0]?.text?.text ?? '').split(':')[0] ?? '';
  });

test('an unacknowledged outage: the P1 page, the escalation, the resolve, each exactly once', async () => {
  reset();
  const store = openSqliteStore(':memory:');
  const clock = new SimClock(Date.now() - 4 * MIN);
  const m = new Monitor(store, withBackup(), clock);
  const start = clock.t;
  const opened = incident({
    id: 'inc-e2e',
    openedAt: start,
    firstFailureAt: start - 30_000,
    lastGoodAt: start - 45_000,
  });
  await m.tick([{ type: 'incident_opened', incident: opened }]);
  for (let t = start + 15_000; t < start + 8 * MIN; t += 15_000) {
    clock.t = t;
    await m.tick();
  }
  clock.t = start + 8 * MIN;
  const resolved: Incident = { ...opened, status: 'resolved', resolvedAt: clock.t };
  await m.tick([{ type: 'incident_resolved', incident: resolved }]);
  for (let i = 0; i < 5; i++) {
    clock.advance(15_000);
    await m.tick();
  }

  for (const r of [pager, team, hook]) assert.deepEqual(r.rejected, []);
  assert.deepEqual(kinds(pager), ['trigger:mcpwatch/inc-e2e', 'resolve:mcpwatch/inc-e2e']);
  assert.deepEqual(kinds(hook), ['incident.triggered', 'incident.resolved']);
  assert.deepEqual(kinds(team), ['⏫ ESCALATED P1, not acknowledged for 5 min', '✅ RESOLVED']);
  assert.deepEqual(
    outboxRows(store).map((r) => [r.key, r.status, r.attempts, (r.createdAt - start) / 1000]),
    [
      ['inc-e2e:trigger:P1:pager', 'sent', 1, 0],
      ['inc-e2e:trigger:P1:hook', 'sent', 1, 0],
      ['inc-e2e:escalate:P1:team', 'sent', 1, 300],
      ['inc-e2e:resolve:pager', 'sent', 1, 480],
      ['inc-e2e:resolve:hook', 'sent', 1, 480],
      ['inc-e2e:resolve:team', 'sent', 1, 480],
    ],
  );
  await store.close();
});

test('acknowledged in time: no escalation; the acknowledgement and the resolve reach the paged channels', async () => {
  reset();
  const store = openSqliteStore(':memory:');
  const clock = new SimClock(Date.now() - 4 * MIN);
  const m = new Monitor(store, withBackup(), clock);
  const start = clock.t;
  const opened = incident({ id: 'inc-ack', openedAt: start });
  await m.tick([{ type: 'incident_opened', incident: opened }]);
  clock.t = start + 3 * MIN;
  const acked: Incident = { ...opened, acknowledgedAt: clock.t, acknowledgedBy: 'alice' };
  await store.writeJudgement({ incidents: [acked], outbox: planAcknowledgement(acked, m.config, clock.t) });
  for (let t = clock.t + 15_000; t < start + 8 * MIN; t += 15_000) {
    clock.t = t;
    await m.tick();
  }
  await m.tick([
    { type: 'incident_resolved', incident: { ...acked, status: 'resolved', resolvedAt: clock.t } },
  ]);
  assert.deepEqual(kinds(pager), [
    'trigger:mcpwatch/inc-ack',
    'acknowledge:mcpwatch/inc-ack',
    'resolve:mcpwatch/inc-ack',
  ]);
  assert.deepEqual(kinds(hook), ['incident.triggered', 'incident.acknowledged', 'incident.resolved']);
  assert.deepEqual(kinds(team), []);
  await store.close();
});

test('delivery latency from incident to receiver on loopback', async (t) => {
  reset();
  const store = openSqliteStore(':memory:');
  const config = withBackup();
  const worker = new DeliveryWorker({ store, channels: createChannels(config.channels), pollMs: 1_000 });
  worker.start();
  const latencies: number[] = [];
  const n = 40;
  for (let i = 0; i < n; i++) {
    const before = pager.accepted.length;
    const t0 = performance.now();
    const now = Date.now();
    const inc = incident({ id: `lat-${i}`, openedAt: now });
    await store.writeJudgement({
      incidents: [inc],
      outbox: planNotifications([{ type: 'incident_opened', incident: inc }], config, now),
    });
    worker.kick();
    while (pager.accepted.length === before) await new Promise((r) => setImmediate(r));
    latencies.push(performance.now() - t0);
  }
  await worker.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number): string => (latencies[Math.min(n - 1, Math.floor(p * n))] ?? 0).toFixed(1);
  t.diagnostic(
    `incident -> PagerDuty receiver, loopback, ${n} incidents: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`,
  );
  assert.equal(pager.accepted.length, n);
  assert.ok((latencies[Math.floor(n / 2)] ?? Infinity) < 250, 'median well under a quarter second');
  await store.close();
});
