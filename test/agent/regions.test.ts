/**
 * Issue 11 end to end: a real hub (`mcpwatch serve`) probing as `local`, and two real agent
 * processes (`mcpwatch agent`, regions eu and us) on loopback, all probing one fixture MCP server
 * that fails by the region its User-Agent names. One region failing is a regional warning naming
 * it, never a P1; two of three failing is a P1. The hub is then stopped for 20 s: the agents keep
 * probing, spool, and deliver every result in order once it is back, and the late results open no
 * incident.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { finished, mcpwatch, start, waitForOutput } from '../cli/process.js';

const INTERVAL_MS = 3_000;
const failRegions = new Set<string>();
let fixture: McpFixture;
let dir: string;
let config: string;
let hub: ChildProcess;
let hubUrl = '';
let hubPort = 0;
let admin = '';
const agents: Record<string, ChildProcess> = {};
const agentOut: Record<string, string> = { eu: '', us: '' };
const tokens: Record<string, string> = {};

interface StoredResult {
  region: string;
  at: number;
  ok: boolean;
}
interface Incident {
  id: string;
  severity: string;
  trigger: string;
  openedAt: number;
  resolvedAt: number | null;
}
interface Warning {
  server: string;
  rule: string;
  message: string;
  clearedAt: number | null;
  details?: { regions?: string[] };
}

async function api<T>(path: string, init: RequestInit = {}, token = admin): Promise<T> {
  const res = await fetch(`${hubUrl}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function results(region: string, since: number, until = Date.now() + 60_000): Promise<StoredResult[]> {
  const page = await api<{ items: StoredResult[] }>(
    `/results?server=shop&region=${region}&since=${since}&until=${until}&limit=500`,
  );
  return page.items.sort((a, b) => a.at - b.at);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    const v = await probe().catch((err: unknown) => void (last = err));
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function startHub(port: number): Promise<void> {
  hub = start(['serve', '--config', config, '--port', String(port)], { MCPWATCH_PROBE_WORKERS: '0' });
  const out = await waitForOutput(hub, /dashboard at (http:\/\/[^\s]+?)\/ /, 30_000);
  hubUrl = /dashboard at (http:\/\/[^\s]+?)\/ /.exec(out)![1]!;
  hubPort = Number(new URL(hubUrl).port);
  const token = /First admin API token \(shown once, keep it\): (\S+)/.exec(out);
  if (token) admin = token[1]!;
}

function startAgent(region: string): void {
  const child = start(
    ['agent', '--hub', hubUrl, '--region', region, '--spool', join(dir, `spool-${region}`)],
    {
      MCPWATCH_AGENT_TOKEN: tokens[region]!,
    },
  );
  child.stdout?.on('data', (d: Buffer) => (agentOut[region] += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (agentOut[region] += d.toString()));
  agents[region] = child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = finished(child, 20_000);
  child.kill('SIGTERM');
  await done;
}

/** No gap between consecutive results longer than this (slots every INTERVAL_MS, some lateness). */
function longestGap(rows: StoredResult[]): number {
  let gap = 0;
  for (let i = 1; i < rows.length; i++) gap = Math.max(gap, rows[i]!.at - rows[i - 1]!.at);
  return gap;
}

before(async () => {
  fixture = await startMcpServer({ failRegions });
  dir = mkdtempSync(join(tmpdir(), 'mcpwatch-agents-'));
  config = join(dir, 'mcpwatch.yaml');
  writeFileSync(
    config,
    [
      'server: { host: 127.0.0.1 }',
      `storage: { sqlite: ${join(dir, 'hub.db')} }`,
      'agents: { pollEvery: 1s, pushEvery: 500ms, offlineAfter: 8s }',
      'defaults:',
      `  interval: ${INTERVAL_MS}ms`,
      '  timeout: 1s',
      '  confirm: { every: 1s, failures: 3 }',
      '  recover: { successes: 2 }',
      'servers:',
      `  - { name: shop, url: "${fixture.url}", regions: [local, eu, us] }`,
      '',
    ].join('\n'),
  );
  const check = await mcpwatch(['check-config', '--config', config]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  await startHub(0);
  for (const region of ['eu', 'us']) {
    const t = await api<{ token: string }>('/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: `agent-${region}`, scope: 'agent' }),
    });
    tokens[region] = t.token;
  }
});

after(async () => {
  await Promise.all([stop(agents.eu), stop(agents.us), stop(hub)]);
  await fixture?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('regional agents and quorum (issue 11)', { timeout: 180_000 }, () => {
  it('an agent given a wrong token, or a read/admin token, exits 3 with a clear message', async () => {
    const forged = `mcpw_${'0'.repeat(12)}_${'A'.repeat(43)}`;
    const cases: [string, RegExp][] = [
      [forged, /does not know this token \(401/],
      [admin, /refused this token \(403.*only tokens of scope "agent"/],
    ];
    for (const [token, message] of cases) {
      const run = await mcpwatch(
        ['agent', '--hub', hubUrl, '--region', 'eu', '--spool', join(dir, 'spool-wrong')],
        { env: { MCPWATCH_AGENT_TOKEN: token }, timeoutMs: 20_000 },
      );
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, message);
      assert.ok(!run.stderr.includes(token), 'the token is never printed');
    }
  });

  it('probes from local, eu and us with User-Agent mcpwatch/VERSION region=NAME', async () => {
    startAgent('eu');
    startAgent('us');
    const t0 = Date.now();
    await until('results from all three regions', 40_000, async () => {
      const [l, e, u] = await Promise.all([results('local', t0), results('eu', t0), results('us', t0)]);
      if (!(l.length > 0 && e.length > 0 && u.length > 0))
        throw new Error(`local ${l.length}, eu ${e.length}, us ${u.length}; ${agentOut.eu}`);
      return true;
    });
    const agents = await api<{ hubRegion: string; agents: { region: string; online: boolean }[] }>('/agents');
    assert.equal(agents.hubRegion, 'local');
    assert.deepEqual(
      agents.agents.map((a) => [a.region, a.online]),
      [
        ['eu', true],
        ['us', true],
      ],
    );
    const uas = new Set(fixture.log.map((r) => String(r.headers['user-agent'])));
    for (const region of ['local', 'eu', 'us'])
      assert.ok(uas.has(`mcpwatch/0.1.0 region=${region}`), [...uas].join());
  });

  it('one region of three failing: a regional warning naming it, no P1', async () => {
    const t0 = Date.now();
    failRegions.add('eu');
    const warning = await until('a regional_failure warning naming eu', 20_000, async () => {
      const w = await api<{ items: Warning[] }>('/warnings?server=shop&active=true');
      return w.items.find((x) => x.rule === 'regional_failure');
    });
    assert.deepEqual(warning.details?.regions, ['eu']);
    assert.match(warning.message, /^failing in eu \(1 of [23] regions\): http\/status_5xx/);
    // Long enough for 3 consecutive failures in eu (and its confirmations): still no incident.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    const eu = await results('eu', t0);
    assert.ok(eu.filter((r) => !r.ok).length >= 3, `eu failed ${eu.filter((r) => !r.ok).length} times`);
    assert.ok((await results('us', t0)).every((r) => r.ok));
    const incidents = await api<{ items: Incident[] }>('/incidents?server=shop');
    assert.deepEqual(incidents.items, []);
    // Per-region results and latency, as the API (and the dashboard's Regions table) show them.
    const regions = await api<{
      hubRegion: string;
      regions: {
        region: string;
        hub: boolean;
        last: { ok: boolean; failure: { layer: string; code: string } | null } | null;
        lastHour: { probes: number; p95: number | null };
        agent: { online: boolean } | null;
      }[];
    }>('/servers/shop/regions');
    const by = new Map(regions.regions.map((r) => [r.region, r]));
    assert.deepEqual([...by.keys()], ['local', 'eu', 'us']);
    assert.equal(by.get('local')!.hub, true);
    assert.equal(by.get('local')!.agent, null);
    const euFailure = by.get('eu')!.last?.failure;
    assert.deepEqual([euFailure?.layer, euFailure?.code], ['http', 'status_5xx']);
    assert.equal(by.get('us')!.last?.ok, true);
    assert.equal(by.get('us')!.agent?.online, true);
    for (const r of ['local', 'us']) assert.ok((by.get(r)!.lastHour.p95 ?? 0) > 0, `${r} has a p95`);
  });

  it('two regions of three failing: a P1', async () => {
    failRegions.add('us');
    const t0 = Date.now();
    const p1 = await until('a P1', 25_000, async () => {
      const i = await api<{ items: Incident[] }>('/incidents?server=shop');
      return i.items.find((x) => x.severity === 'P1');
    });
    assert.equal(p1.trigger, 'consecutive_failures');
    assert.ok(p1.openedAt - t0 < 15_000, `P1 ${p1.openedAt - t0} ms after the second region failed`);
    failRegions.clear();
    await until('the P1 resolved', 25_000, async () => {
      const i = await api<{ items: Incident[] }>(`/incidents?server=shop`);
      return i.items.every((x) => x.resolvedAt !== null);
    });
  });

  it('the hub stopped for 20 s: the agents spool, then deliver every result in order; no incident', async () => {
    failRegions.add('eu'); // a minority failure while the hub is away: its late results must open nothing
    const before = (await api<{ items: Incident[] }>('/incidents?server=shop')).items.length;
    await stop(hub);
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 20_000));
    const upAt = Date.now();
    assert.match(agentOut.eu!, /cannot reach the hub.*results spooled/);
    await startHub(hubPort);
    await until('the spooled results of both agents', 20_000, async () => {
      const [e, u] = await Promise.all([results('eu', downAt, upAt), results('us', downAt, upAt)]);
      return e.length >= 6 && u.length >= 6;
    });
    await new Promise((r) => setTimeout(r, 2_000));
    for (const region of ['eu', 'us']) {
      const rows = await results(region, downAt - INTERVAL_MS, upAt + INTERVAL_MS);
      const during = rows.filter((r) => r.at >= downAt && r.at < upAt);
      // One scheduled probe per 3 s slot over 20 s (eu adds its confirmation re-probes).
      assert.ok(during.length >= 6, `${region}: ${during.length} results while the hub was down`);
      // A skipped slot would leave a gap of two intervals.
      assert.ok(longestGap(rows) < 1.9 * INTERVAL_MS, `${region}: a gap of ${longestGap(rows)} ms`);
      if (region === 'us') assert.ok(during.every((r) => r.ok));
      else assert.ok(during.every((r) => !r.ok));
    }
    // The hub took nothing twice: one row per result the agents spooled.
    const eu = await results('eu', downAt, upAt);
    assert.equal(new Set(eu.map((r) => r.at)).size, eu.length);
    assert.match(agentOut.eu!, /the hub is reachable again; delivering the spooled results in order/);
    // Late results of one region failing open no incident, and the live rounds neither.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
    const after = await api<{ items: Incident[] }>('/incidents?server=shop');
    assert.equal(after.items.length, before, JSON.stringify(after.items));
    const agents = await api<{ agents: { region: string; online: boolean; received: number }[] }>('/agents');
    assert.ok(
      agents.agents.every((a) => a.online && a.received > 0),
      JSON.stringify(agents),
    );
  });

  it('a silent agent raises agent_offline, not an incident', async () => {
    failRegions.clear();
    await stop(agents.us);
    const w = await until('agent_offline for us', 25_000, async () => {
      const all = await api<{ items: Warning[] }>('/warnings?active=true');
      return all.items.find((x) => x.rule === 'agent_offline');
    });
    assert.equal(w.server, 'agent:us');
    assert.match(w.message, /region us has been silent since/);
    const incidents = await api<{ items: Incident[] }>('/incidents?server=shop&open=true');
    assert.deepEqual(incidents.items, []);
  });
});
