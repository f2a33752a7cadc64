/**
 * Deleting a server through the API resolves its open incident: a timeline entry says why and who,
 * the resolve goes to the channels that heard the trigger, and nothing is left open for ever.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { MonitorViewAdapter } from '../../src/monitor/view.js';
import type { ProbeOutcome } from '../../src/probe/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/web/app.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { fail } from '../engine/helpers.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { silent, T0, until } from './harness.js';

interface Delivered {
  type: string;
  data: { kind: string; incidentId: string; server: string };
}

const received: Delivered[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    received.push(JSON.parse(body) as Delivered);
    res.writeHead(204).end();
  });
});
before(() => new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r)));
after(() => new Promise<void>((r) => receiver.close(() => r())));

/** A started monitor on a memory store, on a fake clock, whose every probe is refused at the transport. */
async function refusingMonitor(config: Config) {
  const clock = new FakeClock(T0);
  const probe = async (): Promise<ProbeOutcome> => ({
    result: { ...fail('transport', 'connect_refused'), startedAt: new Date(clock.now()).toISOString() },
  });
  const store: Store = openSqliteStore(':memory:');
  const monitor = new Monitor({ config, store, log: silent, clock, probe });
  await monitor.start();
  return { clock, store, monitor };
}

test('DELETE /api/v1/servers/NAME resolves its open incident and sends the resolve', async () => {
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const { config, problems } = parseConfig(
    `
servers:
  - { name: api, url: "http://127.0.0.1:9/mcp" }
  - { name: other, url: "http://127.0.0.1:9/other" }
channels:
  - { name: hook, type: webhook, url: "${url}", secret: "\${SECRET}" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
`,
    { SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  );
  assert.ok(config, JSON.stringify(problems));
  const { clock, store, monitor } = await refusingMonitor(config);
  const app = buildApp(new MonitorViewAdapter(monitor));
  try {
    let incidentId = '';
    for (let t = 0; t < 10 * 60_000 && !incidentId; t += 1_000) {
      await clock.advance(1_000);
      incidentId = (await store.listIncidents({ open: true, server: 'api' }))[0]?.id ?? '';
    }
    assert.ok(incidentId, 'an incident opened');
    await until(async () => {
      await clock.advance(1_000);
      return received.some((d) => d.data.incidentId === incidentId && d.data.kind === 'trigger');
    });

    const admin = (await new TokenStore(store, clock.now).create('alice', 'admin')).token;
    const res = await app.inject({
      method: 'DELETE',
      url: '/api/v1/servers/api',
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.statusCode, 204, res.body);

    const incident = (await store.getIncident(incidentId))!;
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.resolvedAt, clock.now());
    const entry = incident.timeline.find((e) => e.kind === 'resolved')!;
    assert.equal(
      entry.message,
      'resolved because the server "api" was removed from monitoring (by token:alice); its history is kept',
    );
    assert.deepEqual(await store.listIncidents({ open: true, server: 'api' }), []);
    await until(async () => {
      await clock.advance(1_000);
      return received.some((d) => d.data.incidentId === incidentId && d.data.kind === 'resolve');
    });
    // The other server is untouched and still judged.
    assert.equal((await store.listIncidents({ open: true, server: 'other' })).length, 1);
    assert.equal(monitor.get('api'), undefined);
  } finally {
    await app.close();
    await monitor.stop();
    await store.close();
  }
});

test('a quiet removal (following another instance) stops tracking and writes and sends nothing', async () => {
  const { config, problems } = parseConfig(`
servers:
  - { name: api, url: "http://127.0.0.1:9/mcp" }
channels:
  - { name: hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
`);
  assert.ok(config, JSON.stringify(problems));
  const { clock, store, monitor } = await refusingMonitor(config);
  try {
    let open = null;
    for (let t = 0; t < 10 * 60_000 && !open; t += 1_000) {
      await clock.advance(1_000);
      open = (await store.listIncidents({ open: true, server: 'api' }))[0] ?? null;
    }
    assert.ok(open, 'an incident opened');
    const outbox = (await store.dueOutbox(Number.MAX_SAFE_INTEGER, 100)).length;
    await monitor.applyServers([], ['api'], 'another instance', { quiet: true });
    assert.equal(monitor.get('api'), undefined);
    assert.deepEqual(monitor.servers(), []);
    assert.deepEqual(monitor.currentConfig().servers, []);
    // The instance that took the call resolves it; this one leaves the stored incident as it was.
    assert.deepEqual(await store.getIncident(open.id), open);
    assert.equal((await store.dueOutbox(Number.MAX_SAFE_INTEGER, 100)).length, outbox);
  } finally {
    await monitor.stop();
    await store.close();
  }
});
