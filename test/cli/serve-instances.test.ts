/**
 * Two real `mcpwatch serve` processes on one fresh PostgreSQL schema with a dozen loopback MCP
 * servers (probe interval 2 s; cluster settings at their defaults: heartbeat 5 s, lease TTL 15 s):
 * they split the servers 6/6, no server is probed twice within an interval (counted at the MCP
 * servers themselves), both serve the full API with the first instance's token, an incident is
 * opened once, acknowledged through the instance that does not judge it (no escalation follows),
 * and its trigger and resolve reach a real webhook receiver exactly once in all; then one instance
 * is killed with SIGKILL and the other probes its servers within 30 s.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import type { FaultRule, McpFixture } from '../fixtures/mcp-server.js';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { createPgSchema, pgSkip, type PgSchema } from '../fixtures/pg.js';
import { startWebhookReceiver } from '../alerts/receivers/webhook.js';
import type { Receiver } from '../alerts/receivers/server.js';
import { start, waitForOutput } from './process.js';
import { until } from '../fixtures/until.js';

const SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1wcm9jZXNzLXRlc3Q=';
const INTERVAL_MS = 2_000;
const NAMES = Array.from({ length: 12 }, (_, i) => `mcp-${String(i + 1).padStart(2, '0')}`);

interface Health {
  status: string;
  instance: string;
  instances: {
    unheld: string[];
    members: { id: string; self: boolean; alive: boolean; lastHeartbeat: string; leases: string[] }[];
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function health(base: string): Promise<Health> {
  return (await (await fetch(`${base}/healthz`)).json()) as Health;
}

describe('several serve instances on one PostgreSQL', pgSkip(), () => {
  let dir: string;
  let schema: PgSchema;
  let hook: Receiver;
  const servers = new Map<string, McpFixture>();
  /** Switches a server to HTTP 500 (path set to its endpoint) and back (a path nothing asks for). */
  const breakers = new Map<string, FaultRule>();
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-instances-'));
    schema = await createPgSchema();
    hook = await startWebhookReceiver(SECRET);
    for (const name of NAMES) {
      const breaker: FaultRule = { kind: 'status', status: 500, path: '/off' };
      breakers.set(name, breaker);
      servers.set(name, await startMcpServer({ fault: breaker }));
    }
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all([...servers.values()].map((s) => s.close()));
    await hook.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(port: number): string {
    const file = join(dir, `mcpwatch-${port}.yaml`);
    writeFileSync(
      file,
      `server: { port: ${port}, host: 127.0.0.1 }
storage: { postgres: "${schema.url}" }
defaults:
  interval: ${INTERVAL_MS / 1000}s
  timeout: 5s
  confirm: { every: 1s, failures: 3 }
  thresholds: { errorRate5mP1: 1, errorRate15mP2: 1, errorRateElevatedP3: 1 }
servers:
${NAMES.map((n) => `  - { name: ${n}, url: "${servers.get(n)!.url}" }`).join('\n')}
channels:
  - { name: hook, type: webhook, url: "${hook.url}", secret: "${SECRET}" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
escalation: { P1: { after: 8s, to: [hook] } }
`,
    );
    return file;
  }

  async function serve(): Promise<{ child: ChildProcess; base: string; out: () => string }> {
    const port = await freePort();
    const child = start(['serve', '--config', config(port)]);
    children.push(child);
    let out = '';
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    if (process.env.MCPWATCH_TEST_LOG_DIR)
      child.on('exit', () =>
        writeFileSync(join(process.env.MCPWATCH_TEST_LOG_DIR!, `serve-${port}.log`), out),
      );
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitForOutput(child, 'dashboard at', 90_000);
    return { child, base: `http://127.0.0.1:${port}`, out: () => out };
  }

  /** Start times (performance.now()) of the probes each server saw: one initialize per probe. */
  const probesOf = (name: string) =>
    servers
      .get(name)!
      .requests('initialize')
      .map((r) => r.at);
  /** Webhook deliveries about one server (a loaded machine may time out other servers' probes). */
  const kinds = (server: string) =>
    hook.accepted
      .map((r) => JSON.parse(r.body) as { type: string; data: { server: string } })
      .filter((a) => a.data.server === server)
      .map((a) => a.type);

  test('split, no doubles, one incident delivered once, ack anywhere, takeover after SIGKILL', async () => {
    const a = await serve();
    const token = /First admin API token \(shown once, keep it\): (\S+)/.exec(
      await until(() => /First admin API token[^\n]*: \S+/.exec(a.out())?.[0] ?? null, 10_000),
    )![1]!;
    await until(async () => (await health(a.base)).instances.members[0]?.leases.length === 12, 15_000);
    const b = await serve();
    const joinedAt = performance.now();

    // Rebalancing: within two heartbeats (10 s) each holds 6, every server held by one.
    const split = await until(async () => {
      const h = await health(a.base);
      const live = h.instances.members.filter((m) => m.alive);
      return live.length === 2 && live.every((m) => m.leases.length === 6) ? h : null;
    }, 20_000);
    const rebalanceMs = performance.now() - joinedAt;
    const held = new Map(split.instances.members.flatMap((m) => m.leases.map((s) => [s, m.id] as const)));
    assert.deepEqual([...held.keys()].sort(), NAMES);
    assert.deepEqual(split.instances.unheld, []);
    const bHealth = await health(b.base);
    assert.equal(bHealth.status, 'ok');
    const bId = bHealth.instance;
    assert.notEqual(bId, split.instance);
    assert.deepEqual(
      bHealth.instances.members.map((m) => [m.id, m.leases.length]).sort(),
      split.instances.members.map((m) => [m.id, m.leases.length]).sort(),
      'both instances show the same leases',
    );

    // Count for 5 intervals after the split settled.
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 5 * INTERVAL_MS));
    const to = performance.now();
    for (const name of NAMES) {
      const n = probesOf(name).filter((t) => t >= from && t < to).length;
      assert.ok(n >= 4 && n <= 6, `${name}: ${n} probes in 5 intervals`);
    }

    // Every instance serves every server, with the token the first one issued.
    for (const base of [a.base, b.base]) {
      const res = await fetch(`${base}/api/v1/servers`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const items = (
        (await res.json()) as {
          items: { name: string; summary: { state: string; lastProbe: { at: number } | null } }[];
        }
      ).items;
      assert.deepEqual(
        items.map((s) => s.name),
        NAMES,
      );
      for (const s of items) {
        assert.equal(s.summary.state, 'up', `${base} ${s.name}`);
        assert.ok(
          s.summary.lastProbe && Date.now() - s.summary.lastProbe.at < 15_000,
          `${base} ${s.name} lastProbe`,
        );
      }
    }

    // Break a server b judges: one incident, acknowledged through a (which does not judge it).
    const victim = NAMES.find((n) => held.get(n) === bId)!;
    breakers.get(victim)!.path = '/mcp';
    await until(() => kinds(victim).includes('incident.triggered'), 20_000);
    const list = (await (
      await fetch(`${a.base}/api/v1/incidents?open=true`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: { id: string; server: string }[] };
    const id = list.items.find((i) => i.server === victim)!.id;
    assert.equal(list.items.filter((i) => i.server === victim).length, 1, 'one incident');
    const ack = await fetch(`${a.base}/api/v1/incidents/${encodeURIComponent(id)}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(ack.status, 200, await ack.clone().text());
    // Past the 8 s escalation: b folded the acknowledgement in and did not escalate.
    await new Promise((r) => setTimeout(r, 10_000));
    breakers.get(victim)!.path = '/off';
    await until(() => kinds(victim).includes('incident.resolved'), 20_000);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(
      kinds(victim).sort(),
      ['incident.acknowledged', 'incident.resolved', 'incident.triggered'],
      'exactly one trigger, acknowledgement and resolve in all; no escalation',
    );
    assert.deepEqual(hook.rejected, []);

    // No server was probed twice within an interval, the victim's confirmations aside: the start
    // times both instances stored (the MCP servers' own clocks see a loaded machine's connection
    // delays too). A double would come within a fraction of the interval.
    const { openPostgresStore } = await import('../../src/store/postgres/index.js');
    const st = await openPostgresStore(schema.url, { migrate: false });
    const gaps: number[] = [];
    try {
      for (const name of NAMES.filter((n) => n !== victim)) {
        const at = (await st.listResults({ server: name, limit: 10_000 }))
          .map((r) => r.at)
          .sort((x, y) => x - y);
        const span = at.at(-1)! - at[0]!;
        assert.ok(at.length <= span / INTERVAL_MS + 2, `${name}: ${at.length} probes in ${span} ms`);
        for (let k = 1; k < at.length; k++) gaps.push(at[k]! - at[k - 1]!);
        const close = at.findIndex((t, k) => k > 0 && t - at[k - 1]! < INTERVAL_MS / 2);
        if (close > 0)
          console.log(name, 'held by', held.get(name), 'stored', at.map((t) => t % 100_000).join(' '));
      }
    } finally {
      await st.close();
    }
    const minGap = Math.min(...gaps);
    assert.ok(minGap >= INTERVAL_MS / 2, `two probes of one server ${Math.round(minGap)} ms apart`);
    const handovers = split.instances.members.length;

    // SIGKILL b: a probes b's servers within 30 s.
    const bServers = NAMES.filter((n) => held.get(n) === bId);
    b.child.kill('SIGKILL');
    const killedAt = performance.now();
    await until(() => bServers.every((n) => probesOf(n).some((t) => t > killedAt + 100)), 30_000);
    // Takeover is when the last of them was first probed after the kill.
    const takeoverMs = Math.max(
      ...bServers.map((n) => probesOf(n).find((t) => t > killedAt + 100)! - killedAt),
    );
    assert.ok(takeoverMs < 30_000, `takeover after ${takeoverMs} ms`);
    const after = await until(async () => {
      const h = await health(a.base);
      return h.instances.members.find((m) => m.self)?.leases.length === 12 ? h : null;
    }, 10_000);
    assert.equal(after.instances.members.find((m) => m.id === bId)?.alive, false, 'b shown dead');
    console.log(
      `# ${handovers} instances; rebalance ${Math.round(rebalanceMs)} ms after the second instance started; closest probes of one server ${Math.round(minGap)} ms apart (interval ${INTERVAL_MS} ms); takeover ${Math.round(takeoverMs)} ms after SIGKILL`,
    );
    a.child.kill('SIGTERM');
    await new Promise((r) => a.child.once('exit', r));
    assert.deepEqual(
      kinds(victim)
        .filter((k) => k !== 'incident.acknowledged')
        .sort(),
      ['incident.resolved', 'incident.triggered'],
    );
  });
});
