/**
 * The incident lifecycle: one open incident per server, joined by later triggers, raised P2 → P1,
 * acknowledged, monitored, relapsing, resolved by probes or by hand; deterministic ids; and
 * maintenance windows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, fail, incidentsOf, M, ok, Sim, T0, timelineOf } from './helpers.js';
import { acknowledge, postUpdate, resolveManually, summarize, withIncident } from '../../src/engine/index.js';

const down = fail('http', 'status_5xx');

test('a P2 is joined by later triggers and raised to P1; one incident throughout', () => {
  // Malformed tool lists from 10 to 20 min: soft failures (P2), then 60% over 5 min (P1).
  const sim = new Sim().run(T0, T0 + 40 * M, between(10 * M, 20 * M, fail('tools_list', 'malformed')));
  assert.deepEqual(sim.log, [
    '+10m30s opened P2 consecutive_soft_failures',
    '+12m raised P2→P1',
    '+21m status investigating→monitoring',
    '+33m resolved P1',
  ]);
  const [i] = incidentsOf(sim);
  assert.deepEqual(timelineOf(i!), [
    '+10m30s opened P2 consecutive_soft_failures',
    '+10m30s trigger error_rate_15m',
    '+12m trigger error_rate_5m',
    '+12m severity_raised P2 → P1 (error_rate_5m)',
    '+20m trigger_cleared consecutive_soft_failures',
    '+21m status investigating → monitoring',
    '+23m trigger_cleared error_rate_5m',
    '+33m trigger_cleared error_rate_15m',
    '+33m resolved 14 consecutive good probes and no active trigger',
  ]);
  assert.equal(i!.failedProbes, 12);
  assert.equal(i!.firstFailureAt, T0 + 10 * M);
});

test('acknowledged, monitored, relapsing to identified, then resolved by good probes', () => {
  const sim = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, down));
  const opened = sim.state.incident!;
  const acked = acknowledge(opened, 'alice', T0 + 12 * M + 5 * 1000);
  assert.deepEqual(
    acked.events.map((e) => e.type),
    ['incident_status_changed'],
  );
  sim.state = withIncident(sim.state, acked.incident);
  // Back at 20 min, a short relapse at 25 min (confirmed by the re-probe at 25m15s), good from 26 min.
  sim.run(T0 + 13 * M, T0 + 60 * M, (t) =>
    t < T0 + 20 * M || (t >= T0 + 25 * M && t < T0 + 26 * M) ? down : ok(),
  );
  assert.deepEqual(sim.log, [
    '+10m30s opened P1 consecutive_failures',
    '+21m status identified→monitoring',
    '+25m15s status monitoring→identified',
    '+44m warning error_rate_elevated',
    '+56m resolved P1',
  ]);
  // The relapse at 25 min makes two short outages within 30 min: flapping holds it until 56 min.
  assert.deepEqual(timelineOf(incidentsOf(sim)[0]!), [
    '+10m30s opened P1 consecutive_failures',
    '+10m30s trigger error_rate_15m',
    '+12m5s acknowledged acknowledged by alice',
    '+12m5s status investigating → identified',
    '+13m trigger error_rate_5m',
    '+20m trigger_cleared consecutive_failures',
    '+21m status identified → monitoring',
    '+23m trigger_cleared error_rate_5m',
    '+25m15s status monitoring → identified',
    '+25m30s trigger consecutive_failures',
    '+26m trigger flapping',
    '+26m trigger_cleared consecutive_failures',
    '+41m trigger_cleared error_rate_15m',
    '+56m trigger_cleared flapping',
    '+56m resolved 31 consecutive good probes and no active trigger',
  ]);
});

test('incident ids are deterministic: the server and the opening time', () => {
  const a = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, down));
  const b = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, down));
  assert.equal(a.state.incident!.id, `svc-${T0 + 10 * M + 30 * 1000}`);
  assert.deepEqual(a.state, b.state);
});

test('resolved by hand while triggers still hold: no new incident until one fires again', () => {
  const outages = (t: number) => ((t >= T0 + 10 * M && t < T0 + 30 * M) || t >= T0 + 90 * M ? down : ok());
  const sim = new Sim().run(T0, T0 + 14 * M, outages);
  assert.deepEqual(sim.state.triggers, ['consecutive_failures', 'error_rate_5m', 'error_rate_15m']);
  const r = resolveManually(sim.state.incident!, 'bob', T0 + 14 * M);
  assert.deepEqual(
    r.events.map((e) => e.type),
    ['incident_resolved'],
  );
  assert.equal(r.incident.resolvedAt, T0 + 14 * M);
  sim.state = withIncident(sim.state, r.incident);
  assert.equal(sim.state.incident, null);
  // The outage goes on to 30 min without a new incident; the next one opens a new incident.
  sim.run(T0 + 14 * M, T0 + 91 * M, outages);
  assert.deepEqual(sim.log, [
    '+10m30s opened P1 consecutive_failures',
    '+45m warning error_rate_elevated',
    '+1h30m30s opened P1 consecutive_failures',
  ]);
});

test('manual updates: messages and statuses on the timeline, events only for status changes', () => {
  const sim = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, down));
  let i = sim.state.incident!;
  const u1 = postUpdate(i, 'investigating', 'Looking at the load balancer', T0 + 13 * M);
  assert.deepEqual(u1.events, []);
  i = u1.incident;
  const u2 = postUpdate(i, 'identified', 'A bad deploy; rolling back', T0 + 14 * M);
  assert.deepEqual(
    u2.events.map((e) => e.type),
    ['incident_status_changed'],
  );
  i = u2.incident;
  assert.equal(i.status, 'identified');
  assert.equal(i.identifiedAt, T0 + 14 * M);
  assert.equal(i.acknowledgedAt, null);
  const u3 = postUpdate(i, 'resolved', 'Rolled back', T0 + 15 * M);
  assert.deepEqual(
    u3.events.map((e) => e.type),
    ['incident_resolved'],
  );
  assert.deepEqual(timelineOf(u3.incident), [
    '+10m30s opened P1 consecutive_failures',
    '+10m30s trigger error_rate_15m',
    '+13m update Looking at the load balancer',
    '+14m update A bad deploy; rolling back',
    '+14m status investigating → identified',
    '+15m update Rolled back',
    '+15m resolved resolved by a manual update',
  ]);
  // Acknowledging or resolving a resolved incident changes nothing.
  assert.deepEqual(acknowledge(u3.incident, 'carol', T0 + 16 * M), { incident: u3.incident, events: [] });
  assert.deepEqual(resolveManually(u3.incident, 'carol', T0 + 16 * M), { incident: u3.incident, events: [] });
});

test('maintenance: an outage inside the window opens nothing; judged again after it', () => {
  const sim = new Sim();
  sim.maintenance = [
    {
      id: 'm1',
      servers: ['svc'],
      start: T0 + 10 * M,
      end: T0 + 40 * M,
      title: 'upgrade',
      excludeFromSlo: true,
    },
  ];
  sim.run(T0, T0 + 35 * M, between(10 * M, 50 * M, down));
  assert.deepEqual(sim.log, []);
  const during = summarize(sim.state, T0 + 35 * M);
  assert.equal(during.state, 'maintenance');
  assert.deepEqual(during.maintenance, { title: 'upgrade', end: T0 + 40 * M });
  // Maintenance rounds are out of the error rates and, excluded, out of the SLO.
  assert.equal(during.errorRate['15m'], null);
  assert.equal(during.slo.consumedMinutes, 0);
  // Still failing when the window closes at 40 min: three failures later, a P1.
  sim.run(T0 + 35 * M, T0 + 45 * M, between(10 * M, 50 * M, down));
  assert.deepEqual(sim.log, ['+42m opened P1 consecutive_failures']);
});

test('maintenance: an open incident stays open, frozen, noted on its timeline; it resolves after', () => {
  const sim = new Sim().run(T0, T0 + 12 * M, between(10 * M, 20 * M, down));
  sim.maintenance = [{ servers: 'all', start: T0 + 15 * M, end: T0 + 60 * M, excludeFromSlo: true }];
  sim.run(T0 + 12 * M, T0 + 80 * M, between(10 * M, 20 * M, down));
  // Good again from 20 min, but nothing moves until the window ends at 60 min.
  assert.deepEqual(sim.log, ['+10m30s opened P1 consecutive_failures', '+1h1m resolved P1']);
  assert.deepEqual(timelineOf(incidentsOf(sim)[0]!), [
    '+10m30s opened P1 consecutive_failures',
    '+10m30s trigger error_rate_15m',
    '+12m trigger error_rate_5m',
    '+15m update maintenance started until 2025-01-06T01:00:00.000Z: alerts and status changes paused',
    '+1h update maintenance ended: judged again from the next probe',
    '+1h trigger_cleared consecutive_failures',
    '+1h trigger_cleared error_rate_5m',
    '+1h trigger_cleared error_rate_15m',
    '+1h1m resolved 2 consecutive good probes and no active trigger',
  ]);
});

test('maintenance counted in the SLO when the window says so', () => {
  const sim = new Sim();
  sim.maintenance = [{ servers: ['svc'], start: T0 + 10 * M, end: T0 + 20 * M, excludeFromSlo: false }];
  sim.run(T0, T0 + 30 * M, between(10 * M, 20 * M, down));
  const s = summarize(sim.state, T0 + 30 * M);
  assert.deepEqual(sim.log, []);
  assert.equal(s.slo.consumedMinutes, 10);
  assert.equal(s.errorRate['1h'], 0);
});

test('a maintenance window entered and left on ticks notes an open incident', () => {
  const sim = new Sim().run(T0, T0 + 12 * M, between(10 * M, 30 * M, down));
  sim.maintenance = [
    {
      id: 'm2',
      servers: ['svc'],
      start: T0 + 13 * M,
      end: T0 + 14 * M,
      title: 'restart',
      excludeFromSlo: true,
    },
  ];
  sim.tick(T0 + 13 * M);
  sim.tick(T0 + 14 * M);
  assert.deepEqual(timelineOf(sim.state.incident!).slice(-2), [
    '+13m update maintenance started (restart) until 2025-01-06T00:14:00.000Z: alerts and status changes paused',
    '+14m update maintenance ended: judged again from the next probe',
  ]);
});

test('an incident that comes back soon after the last one resolves only after a quiet hour', () => {
  const outages = (t: number) =>
    (t >= T0 + 10 * M && t < T0 + 15 * M) || (t >= T0 + 45 * M && t < T0 + 50 * M) ? down : ok();
  const sim = new Sim().run(T0, T0 + 3 * 60 * M, outages);
  assert.deepEqual(sim.log, [
    '+10m30s opened P1 consecutive_failures',
    '+16m status investigating→monitoring',
    '+28m resolved P1',
    '+45m warning error_rate_elevated',
    '+45m30s opened P1 consecutive_failures',
    '+51m status investigating→monitoring',
    // The last trigger held until 1h2m: an hour later.
    '+2h2m resolved P1',
  ]);
  assert.deepEqual(timelineOf(incidentsOf(sim)[1]!).slice(-2), [
    '+1h3m trigger_cleared error_rate_15m',
    '+2h2m resolved 73 consecutive good probes and no active trigger for 1h (it came back soon after the previous incident)',
  ]);
});
