/**
 * The README's example config end to end, on simulated time: the demo server goes down, the P1 page,
 * the unacknowledged escalation and the resolve each reach the receiver exactly once, in that order,
 * and the incident's timeline tells the story.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { harness, type Harness } from './harness.js';

describe('example config: an injected outage', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  test('pages once, escalates once after 5 minutes, resolves once', async () => {
    const { monitor, store } = await h.open();
    await h.run(120_000);
    assert.equal(h.alerts.length, 0, 'a healthy server pages nobody');
    assert.equal((await store.listResults({ server: 'demo', limit: 100 })).length >= 0, true);

    const faultAt = h.clock.now();
    h.demo.setFault('down');
    await h.run(90_000);
    const [incident] = await store.listIncidents({ server: 'demo' });
    assert.ok(incident, 'an incident is open');
    assert.equal(incident.severity, 'P1');
    assert.equal(incident.trigger, 'consecutive_failures');
    assert.equal(incident.layer, 'transport');
    assert.equal(incident.code, 'connection_reset');
    // Default-like settings of the example: 30 s interval, 10 s confirmations, 3 failures.
    const detection = incident.openedAt - faultAt;
    assert.ok(detection <= 30_000 + 2 * 10_000 + 1_000, `detected after ${detection} ms`);
    assert.deepEqual(
      h.alerts.map((a) => [a.type, a.data.severity]),
      [['incident.triggered', 'P1']],
    );

    await h.run(5 * 60_000);
    assert.deepEqual(
      h.alerts.map((a) => a.type),
      ['incident.triggered', 'incident.escalated'],
      'not acknowledged within 5 minutes: escalated once',
    );

    h.demo.setFault('ok');
    await h.run(120_000);
    assert.equal(
      (await store.getIncident(incident.id))?.status,
      'monitoring',
      'good probes again: monitoring',
    );
    // It resolves once no rule holds: the 15-minute error-rate window still counts the outage.
    await h.run(20 * 60_000, 5_000);
    assert.deepEqual(
      h.alerts.map((a) => a.type),
      ['incident.triggered', 'incident.escalated', 'incident.resolved'],
    );
    assert.ok(h.alerts.every((a) => a.data.incidentId === incident.id));

    const resolved = (await store.getIncident(incident.id))!;
    assert.equal(resolved.status, 'resolved');
    const kinds = resolved.timeline.map((e) => e.kind);
    assert.equal(kinds[0], 'opened');
    assert.ok(kinds.includes('notification'), `timeline: ${kinds.join(', ')}`);
    assert.ok(kinds.includes('escalated'), `timeline: ${kinds.join(', ')}`);
    assert.equal(kinds.filter((k) => k === 'resolved').length, 1);
    assert.equal(monitor.stats().scheduler.errors, 0);
  });
});
