/**
 * Stopping and starting again loses nothing and re-alerts nothing: the open incident stays open, the
 * windows come back as they were, and the alerts that follow are the ones the outage still calls for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { summarize } from '../../src/engine/index.js';
import { harness, type Harness } from './harness.js';

describe('restart during an incident', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  test('continues from the store', async () => {
    const first = await h.open();
    await h.run(120_000);
    h.demo.setFault('http500');
    await h.run(90_000);
    const [open] = await first.store.listIncidents({ open: true });
    assert.ok(open, 'an incident is open before the restart');
    assert.equal(open.code, 'status_5xx');
    const before = summarize(first.monitor.get('demo')!.state, h.clock.now());
    await first.monitor.stop();
    const probed = first.monitor.stats().scheduler.completed;
    assert.ok(probed >= 9, `${probed} probes`);
    await first.store.close();
    assert.deepEqual(
      h.alerts.map((a) => a.type),
      ['incident.triggered'],
    );

    const second = await h.open();
    const after = summarize(second.monitor.get('demo')!.state, h.clock.now());
    assert.equal(after.openIncidentId, open.id, 'the open incident stays open');
    assert.deepEqual(after.errorRate, before.errorRate, 'windows rebuilt as they were');
    assert.deepEqual(after.p95Ms, before.p95Ms);
    assert.equal(
      (await second.store.listResults({ server: 'demo', limit: 1_000 })).length,
      probed,
      'every result was written',
    );

    await h.run(60_000);
    assert.deepEqual(
      h.alerts.map((a) => a.type),
      ['incident.triggered'],
      'nothing alerted twice',
    );
    assert.equal((await second.store.listIncidents({})).length, 1, 'no second incident');

    h.demo.setFault('ok');
    await h.run(25 * 60_000, 5_000);
    // The P1's escalation deadline (5 min after it opened) falls while it is `monitoring`: no escalation.
    assert.deepEqual(
      h.alerts.map((a) => a.type),
      ['incident.triggered', 'incident.resolved'],
    );
    assert.equal((await second.store.getIncident(open.id))?.status, 'resolved');
  });
});
