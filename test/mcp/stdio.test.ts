/**
 * `mcpwatch mcp --config FILE` over stdio: the official SDK client spawns the real CLI (through tsx)
 * and reads the store a serve wrote. Also: a public monitor's probe_url refuses loopback addresses
 * without sending anything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import type { Incident } from '../../src/engine/types.js';
import { callTool } from '../../src/mcp/server.js';
import { storeSource } from '../../src/mcp/source.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { ROOT } from '../cli/process.js';

const ENTRY = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
let dir: string;
let configFile: string;
let fixture: McpFixture;
const clients: Client[] = [];

const incident: Incident = {
  id: 'inc-a-1',
  server: 'alpha',
  severity: 'P1',
  status: 'investigating',
  trigger: 'consecutive_failures',
  activeTriggers: ['consecutive_failures'],
  layer: 'initialize',
  code: 'session_error',
  firstFailureAt: Date.UTC(2026, 0, 1),
  openedAt: Date.UTC(2026, 0, 1, 0, 1),
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  failedProbes: 3,
  lastGoodAt: null,
  timeline: [{ at: Date.UTC(2026, 0, 1, 0, 1), kind: 'opened', message: 'P1: 3 consecutive failures' }],
};

before(async () => {
  fixture = await startMcpServer();
  dir = mkdtempSync(join(tmpdir(), 'mcpwatch-mcp-'));
  const db = join(dir, 'mcpwatch.db');
  configFile = join(dir, 'mcpwatch.yaml');
  writeFileSync(
    configFile,
    `storage: { sqlite: ${JSON.stringify(db)} }\nservers:\n  - { name: alpha, url: "${fixture.url}" }\n  - { name: beta, url: "http://127.0.0.1:1/mcp" }\n`,
  );
  const store = openSqliteStore(db);
  await store.migrate();
  await store.writeJudgement({ incidents: [incident], warnings: [] });
  await store.close();
});
after(async () => {
  for (const c of clients) await c.close();
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});

async function spawnClient(extra: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', ENTRY, 'mcp', '--config', configFile, ...extra],
    cwd: ROOT,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mcpwatch-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const data = (res: unknown) => {
  const r = res as CallToolResult;
  assert.notEqual(r.isError, true, JSON.stringify(r.content));
  return r.structuredContent as Record<string, unknown>;
};

describe('mcpwatch mcp (stdio)', () => {
  it('answers the read-only tools from the store; probe_url is not offered', async () => {
    const client = await spawnClient();
    assert.equal(client.getServerVersion()?.name, 'mcpwatch');
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['list_servers', 'get_server', 'list_incidents', 'explain_failure'],
    );
    const servers = data(await client.callTool({ name: 'list_servers', arguments: {} })) as {
      servers: { name: string; state: string }[];
    };
    assert.deepEqual(
      servers.servers.map((s) => [s.name, s.state]),
      [
        ['alpha', 'unknown'],
        ['beta', 'unknown'],
      ],
    );
    const { incidents } = data(
      await client.callTool({ name: 'list_incidents', arguments: { open: true } }),
    ) as { incidents: Record<string, unknown>[] };
    assert.deepEqual(
      incidents.map((i) => [i.id, i.severity, i.layer, i.code, i.openedAt]),
      [['inc-a-1', 'P1', 'initialize', 'session_error', '2026-01-01T00:01:00.000Z']],
    );
    const e = data(await client.callTool({ name: 'explain_failure', arguments: { server: 'alpha' } }));
    assert.equal(e.explanation, 'alpha has not been probed yet.');
    const refused = (await client.callTool({
      name: 'probe_url',
      arguments: { url: fixture.url },
    })) as CallToolResult;
    assert.equal(refused.isError, true);
    assert.equal(fixture.requests('initialize').length, 0);
  });

  it('--allow-probe offers probe_url, which probes a loopback server', async () => {
    const client = await spawnClient(['--allow-probe']);
    const p = data(await client.callTool({ name: 'probe_url', arguments: { url: fixture.url } }));
    assert.equal(p.healthy, true);
    assert.ok(fixture.requests('tools/list').length >= 1);
  });
});

describe('probe_url on a public monitor', () => {
  it('refuses a loopback URL and sends nothing', async () => {
    const { config } = parseConfig(
      `server: { public: true }\nstorage: { sqlite: ':memory:' }\nservers: [{ name: a, url: "https://example.com/mcp" }]\n`,
      {},
    );
    assert.ok(config);
    const store = openSqliteStore(':memory:');
    await store.migrate();
    const before = fixture.log.length;
    const res = await callTool(
      'probe_url',
      { url: fixture.url },
      { source: storeSource(config, store), admin: true },
    );
    await store.close();
    assert.equal(res.isError, true);
    assert.equal(
      (res.content as { text: string }[])[0]!.text,
      '127.0.0.1: a private, loopback, link-local or reserved address, which a public monitor does not probe',
    );
    assert.equal(fixture.log.length, before);
  });
});
