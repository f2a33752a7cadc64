/**
 * Two real `mcpwatch serve` processes on one fresh PostgreSQL schema (heartbeat 1 s, lease TTL 4 s,
 * probe interval 1 s) follow each other's API changes (monitor/api-changes.ts): a server added
 * through one is listed by the other within two heartbeats and probed by exactly one instance; paused
 * and then removed through the other, the first follows (stops probing it, then stops listing it),
 * and the removal resolves its open incident once: one resolve reaches a real webhook receiver. A
 * maintenance window added on one is listed on the other, and cancelled there, gone on the first.
 * A stored change that is not JSON is logged by both and skipped; nothing else stops.
 *
 * `b` starts first and holds the one configured server; `a` joins with nothing. With two servers
 * and two instances the fair share is one each, so the server added later can only go to `a`: the
 * instance that follows the pause and the removal is the one probing it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import type { FaultRule, McpFixture } from '../fixtures/mcp-server.js';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { createPgSchema, pgSkip, type PgSchema } from '../fixtures/pg.js';
import { startWebhookReceiver } from '../alerts/receivers/webhook.js';
import type { Receiver } from '../alerts/receivers/server.js';
import { freePort, start, waitForOutput } from './process.js';
import { until } from '../fixtures/until.js';

const SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1wcm9jZXNzLXRlc3Q=';
const HEARTBEAT_MS = 1_000;
const INTERVAL_MS = 1_000;
/** Listed on the other instance within two heartbeats (plus the 200 ms polling here, and slack for a loaded machine). */
const FOLLOW_BOUND_MS = 2 * HEARTBEAT_MS + 1_500;

interface Health {
  status: string;
  instance: string;
  instances: { unheld: string[]; members: { id: string; self: boolean; alive: boolean; leases: string[] }[] };
}
interface ServerItem {
  name: string;
  paused?: boolean;
  summary: { paused: boolean } | null;
}

describe('serve instances follow each other’s API changes', pgSkip(), () => {
  let dir: string;
  let schema: PgSchema;
  let hook: Receiver;
  let base: McpFixture;
  let added: McpFixture;
  const breaker: FaultRule = { kind: 'status', status: 500, path: '/off' };
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-api-changes-'));
    schema = await createPgSchema();
    hook = await startWebhookReceiver(SECRET);
    base = await startMcpServer();
    added = await startMcpServer({ fault: breaker });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await base.close();
    await added.close();
    await hook.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(): Promise<{ child: ChildProcess; base: string; out: () => string }> {
    const port = await freePort();
    const file = join(dir, `mcpwatch-${port}.yaml`);
    writeFileSync(
      file,
      `server: { port: ${port}, host: 127.0.0.1 }
storage: { postgres: "${schema.url}" }
cluster: { heartbeat: ${HEARTBEAT_MS / 1000}s, leaseTtl: 4s }
defaults:
  interval: ${INTERVAL_MS / 1000}s
  timeout: 3s
  confirm: { every: 1s, failures: 2 }
  thresholds: { errorRate5mP1: 1, errorRate15mP2: 1, errorRateElevatedP3: 1 }
servers:
  - { name: base, url: "${base.url}" }
channels:
  - { name: hook, type: webhook, url: "${hook.url}", secret: "${SECRET}" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
`,
    );
    const child = start(['serve', '--config', file]);
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    if (process.env.MCPWATCH_TEST_LOG_DIR)
      child.on('exit', () =>
        writeFileSync(join(process.env.MCPWATCH_TEST_LOG_DIR!, `serve-${port}.log`), out),
      );
    await waitForOutput(child, 'dashboard at', 90_000);
    return { child, base: `http://127.0.0.1:${port}`, out: () => out };
  }

  test('add on one, listed and probed once; pause, remove and maintenance followed', async () => {
    const b = await serve();
    const token = /First admin API token \(shown once, keep it\): (\S+)/.exec(
      await until(() => /First admin API token[^\n]*: \S+/.exec(b.out())?.[0] ?? null, 10_000, 'the token'),
    )![1]!;
    const auth = { authorization: `Bearer ${token}` };
    const api = async (at: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(`${at}/api/v1${path}`, {
        ...init,
        headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      });
      return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as unknown) };
    };
    const health = async (at: string) => (await (await fetch(`${at}/healthz`)).json()) as Health;
    const servers = async (at: string) => ((await api(at, '/servers')).body as { items: ServerItem[] }).items;
    const kinds = () =>
      hook.accepted
        .map((r) => JSON.parse(r.body) as { type: string; data: { server: string } })
        .filter((x) => x.data.server === 'added')
        .map((x) => x.type);
    await until(
      async () => (await health(b.base)).instances.members[0]?.leases.length === 1,
      15_000,
      'b holds base',
    );
    const a = await serve();
    const aId = (await health(a.base)).instance;
    await until(
      async () => (await health(b.base)).instances.members.filter((m) => m.alive).length === 2,
      10_000,
      'two live instances',
    );

    // A stored change that is not JSON: both log it and skip it, and go on.
    const { openPostgresStore } = await import('../../src/store/postgres/index.js');
    const st = await openPostgresStore(schema.url, { migrate: false });
    try {
      await st.setMeta('api:server:broken', '{oops');
    } finally {
      await st.close();
    }
    const problem =
      /a change made through the API cannot be read and is skipped: api:server:broken: not JSON/;
    await until(() => problem.test(a.out()) && problem.test(b.out()), 10_000, 'both log the bad entry');

    // Added through a: listed by b.
    const addedAt = performance.now();
    const created = await api(a.base, '/servers', {
      method: 'POST',
      body: JSON.stringify({ name: 'added', url: added.url }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until(async () => (await servers(b.base)).some((s) => s.name === 'added'), 10_000, 'b lists added');
    const listedMs = performance.now() - addedAt;
    assert.ok(listedMs < FOLLOW_BOUND_MS, `listed on the other instance after ${Math.round(listedMs)} ms`);

    // Claimed by exactly one instance (a: b has its share), probed by it alone.
    const holders = await until(
      async () => {
        const m = (await health(b.base)).instances.members.filter((x) => x.leases.includes('added'));
        return m.length > 0 ? m : null;
      },
      10_000,
      'added is leased',
    );
    assert.deepEqual(
      holders.map((m) => m.id),
      [aId],
    );
    await until(() => added.requests('initialize').length > 0, 10_000, 'added probed');
    const probedMs = performance.now() - addedAt;
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 6 * INTERVAL_MS));
    const at = added.requests('initialize').map((r) => r.at);
    const counted = at.filter((t) => t >= from).length;
    assert.ok(counted >= 4 && counted <= 7, `${counted} probes in 6 intervals`);
    const gaps = at.slice(1).map((t, k) => t - at[k]!);
    const minGap = Math.min(...gaps);
    assert.ok(minGap >= INTERVAL_MS / 2, `two probes ${Math.round(minGap)} ms apart: probed twice`);
    for (const h of [await health(a.base), await health(b.base)])
      assert.deepEqual(
        h.instances.members.filter((m) => m.leases.includes('added')).map((m) => m.id),
        [aId],
      );

    // It fails: one incident, its trigger delivered.
    breaker.path = '/mcp';
    await until(() => kinds().includes('incident.triggered'), 20_000, 'the trigger');

    // Paused through b: a, which probes it, stops.
    const pauseAt = performance.now();
    assert.equal((await api(b.base, '/servers/added/pause', { method: 'POST' })).status, 200);
    await until(
      async () => (await servers(a.base)).find((s) => s.name === 'added')?.summary?.paused === true,
      10_000,
      'a shows it paused',
    );
    const pausedMs = performance.now() - pauseAt;
    assert.ok(pausedMs < FOLLOW_BOUND_MS, `paused on the other instance after ${Math.round(pausedMs)} ms`);
    // A probe already started may finish; then none for 3 intervals.
    await new Promise((r) => setTimeout(r, INTERVAL_MS + 500));
    const quietFrom = performance.now();
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    assert.equal(
      added.requests('initialize').filter((r) => r.at >= quietFrom).length,
      0,
      'no probe while paused',
    );

    // A maintenance window added on a is listed on b; cancelled on b, gone on a.
    const now = Date.now();
    const window = await api(a.base, '/maintenance', {
      method: 'POST',
      body: JSON.stringify({
        servers: 'all',
        start: new Date(now + 3_600_000).toISOString(),
        end: new Date(now + 7_200_000).toISOString(),
        title: 'database move',
      }),
    });
    assert.equal(window.status, 201, JSON.stringify(window.body));
    const windowId = (window.body as { id: string }).id;
    const windowAt = performance.now();
    const listed = async (where: string) =>
      ((await api(where, '/maintenance')).body as { items: { id: string; title?: string }[] }).items;
    const seen = await until(
      async () => (await listed(b.base)).find((w) => w.id === windowId) ?? null,
      10_000,
      'b lists the window',
    );
    const windowMs = performance.now() - windowAt;
    assert.equal(seen.title, 'database move');
    assert.equal((await api(b.base, `/maintenance/${windowId}`, { method: 'DELETE' })).status, 204);
    const cancelAt = performance.now();
    await until(
      async () => !(await listed(a.base)).some((w) => w.id === windowId),
      10_000,
      'a drops the window',
    );
    const cancelMs = performance.now() - cancelAt;
    assert.ok(windowMs < FOLLOW_BOUND_MS && cancelMs < FOLLOW_BOUND_MS, `${windowMs} / ${cancelMs} ms`);

    // Removed through b (which does not judge it): a stops listing it; the incident resolved once.
    const removeAt = performance.now();
    assert.equal((await api(b.base, '/servers/added', { method: 'DELETE' })).status, 204);
    await until(
      async () => !(await servers(a.base)).some((s) => s.name === 'added'),
      10_000,
      'a drops added',
    );
    const removedMs = performance.now() - removeAt;
    assert.ok(removedMs < FOLLOW_BOUND_MS, `removed on the other instance after ${Math.round(removedMs)} ms`);
    assert.equal((await api(a.base, '/servers/added')).status, 404);
    await until(() => kinds().includes('incident.resolved'), 20_000, 'the resolve');
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS + 1_000));
    assert.deepEqual(kinds().sort(), ['incident.resolved', 'incident.triggered'], 'one trigger, one resolve');
    const pg = await openPostgresStore(schema.url, { migrate: false });
    try {
      const incidents = await pg.listIncidents({ server: 'added', limit: 10 });
      assert.equal(incidents.length, 1, 'one incident');
      assert.equal(incidents[0]!.status, 'resolved');
      assert.deepEqual(
        incidents[0]!.timeline
          .filter((e) => /was removed from monitoring/.test(e.message))
          .map((e) => e.message),
        [
          'resolved because the server "added" was removed from monitoring (by token:first-admin); its history is kept',
        ],
      );
    } finally {
      await pg.close();
    }
    assert.deepEqual(hook.rejected, []);
    // The lease went back without a "taken over" warning; a logged what it followed.
    assert.doesNotMatch(a.out(), /leases taken over by another instance/);
    assert.match(a.out(), /followed changes made through the API of another instance/);
    for (const x of [a, b]) assert.equal((await health(x.base)).status, 'ok');

    console.log(
      `# heartbeat ${HEARTBEAT_MS} ms: added on a, listed on b after ${Math.round(listedMs)} ms, first probed (by a) after ${Math.round(probedMs)} ms; paused on b, followed by a after ${Math.round(pausedMs)} ms; window added on a, listed on b after ${Math.round(windowMs)} ms, cancelled on b, gone on a after ${Math.round(cancelMs)} ms; removed on b, gone on a after ${Math.round(removedMs)} ms; closest probes ${Math.round(minGap)} ms apart`,
    );
    for (const x of [a, b]) {
      x.child.kill('SIGTERM');
      await new Promise((r) => x.child.once('exit', r));
    }
  });
});
