/**
 * `mcpwatch lock` and `mcpwatch verify` as CI runs them (real processes) against real loopback MCP
 * servers: the fixture (whose tools a test changes between lock and verify) and server-everything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mcpwatch } from '../cli/process.js';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { DEFAULT_TOOLS, type FixtureTool } from '../fixtures/mcp-tools.js';
import { startPeer, type Peer } from '../fixtures/peers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lock, then verify against a server that changes', () => {
  const tools: FixtureTool[] = structuredClone(DEFAULT_TOOLS);
  const serverInfo = { name: 'fixture', version: '1.0.0' };
  let server: McpFixture;
  const file = join(dir, 'fixture.lock.json');
  before(async () => {
    server = await startMcpServer({ tools, serverInfo });
  });
  after(() => server.close());

  const setTools = (next: FixtureTool[]) => tools.splice(0, tools.length, ...structuredClone(next));

  test('lock writes every tool definition, sorted, and no header values', async () => {
    const run = await mcpwatch(['lock', server.url, '-o', file, '-H', 'Authorization: Bearer hush']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `locked 1 server (3 tools) in ${file}\n`);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /hush/);
    const lock = JSON.parse(text) as {
      lockfileVersion: number;
      servers: { url: string; server: unknown; fingerprint: string; tools: { name: string }[] }[];
    };
    assert.equal(lock.lockfileVersion, 1);
    assert.equal(lock.servers[0]!.url, server.url);
    assert.deepEqual(lock.servers[0]!.server, serverInfo);
    assert.match(lock.servers[0]!.fingerprint, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      lock.servers[0]!.tools.map((t) => t.name),
      ['add', 'echo', 'now'],
    );
    assert.deepEqual(
      lock.servers[0]!.tools.find((t) => t.name === 'echo'),
      DEFAULT_TOOLS.find((t) => t.name === 'echo'),
    );
  });

  test('unchanged: exit 0, no changes', async () => {
    const run = await mcpwatch(['verify', '--lock', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${file}: 1 server\n  ${server.url}: compatible, no changes\n\ncompatible\n`);
  });

  test('compatible changes: exit 0, each listed as a note', async () => {
    setTools([
      ...DEFAULT_TOOLS.map((t) =>
        t.name === 'echo'
          ? {
              ...t,
              description: 'Echoes its input back',
              inputSchema: {
                type: 'object',
                properties: { message: { type: 'string' }, upper: { type: 'boolean' } },
                required: ['message'],
              },
            }
          : t,
      ),
      { name: 'sleep', inputSchema: { type: 'object' } },
    ]);
    const run = await mcpwatch(['verify', '--lock', file, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as {
      status: string;
      exitCode: number;
      servers: {
        status: string;
        breaking: unknown[];
        notes: { kind: string; tool: string; parameter?: string }[];
      }[];
    };
    assert.equal(report.status, 'compatible');
    assert.equal(report.exitCode, 0);
    assert.deepEqual(report.servers[0]!.breaking, []);
    assert.deepEqual(
      report.servers[0]!.notes.map((n) => [n.kind, n.tool, n.parameter]),
      [
        ['tool_added', 'sleep', undefined],
        ['param_added', 'echo', 'upper'],
        ['description_changed', 'echo', undefined],
      ],
    );
  });

  test('breaking changes: exit 1, naming each tool and parameter', async () => {
    setTools([
      {
        name: 'add',
        description: 'Adds two numbers',
        inputSchema: {
          type: 'object',
          properties: { a: { type: 'string' }, c: { type: 'number' } },
          required: ['a', 'c'],
        },
      },
      DEFAULT_TOOLS.find((t) => t.name === 'now')!,
    ]);
    serverInfo.version = '2.0.0';
    const run = await mcpwatch(['verify', '--lock', file]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.stdout,
      [
        `${file}: 1 server`,
        `  ${server.url}: breaking, 4 breaking changes (server 1.0.0 → 2.0.0)`,
        '    ✗ tool "echo" was removed',
        '    ✗ add: parameter "a" type changed: number → string',
        '    ✗ add: parameter "b" was removed',
        '    ✗ add: required parameter "c" was added',
        '',
        'breaking: 4 changes on 1 server',
        '',
      ].join('\n'),
    );
    const json = await mcpwatch(['verify', '--lock', file, '--json']);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as {
      status: string;
      servers: { breaking: { kind: string; tool: string; parameter?: string }[] }[];
    };
    assert.equal(report.status, 'breaking');
    assert.deepEqual(
      report.servers[0]!.breaking.map((b) => [b.kind, b.tool, b.parameter]),
      [
        ['tool_removed', 'echo', undefined],
        ['type_changed', 'add', 'a'],
        ['param_removed', 'add', 'b'],
        ['required_added', 'add', 'c'],
      ],
    );
  });
});

describe('could not check: exit 2', () => {
  test('the server is down', async () => {
    const server = await startMcpServer();
    const file = join(dir, 'down.lock.json');
    assert.equal((await mcpwatch(['lock', server.url, '-o', file])).code, 0);
    await server.close();
    const run = await mcpwatch(['verify', '--lock', file, '--json', '--timeout', '2s']);
    assert.equal(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout) as {
      status: string;
      servers: { status: string; error: unknown }[];
    };
    assert.equal(report.status, 'unchecked');
    assert.deepEqual(
      report.servers[0]!.error && (report.servers[0]!.error as { code: string }).code,
      'connect_refused',
    );
    const text = await mcpwatch(['verify', '--lock', file, '--timeout', '2s']);
    assert.equal(text.code, 2);
    assert.match(text.stdout, /: could not check: transport\/connect_refused: /);
  });

  for (const [name, content, message] of [
    ['missing', null, /no lock file at .*: take one with `mcpwatch lock URL… -o /],
    ['not JSON', '{"lockfileVersion": 1,', /is not JSON/],
    ['another version', '{"lockfileVersion": 9, "servers": []}', /lockfileVersion must be 1/],
    [
      'a bad URL',
      '{"lockfileVersion": 1, "servers": [{"url": "ftp://x", "tools": []}]}',
      /at \/servers\/0\/url/,
    ],
  ] as const)
    test(`a lock file that is ${name}`, async () => {
      const file = join(dir, `bad-${name.replace(/\W/g, '')}.json`);
      if (content !== null) writeFileSync(file, content);
      const run = await mcpwatch(['verify', '--lock', file]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      const json = await mcpwatch(['verify', '--lock', file, '--json']);
      assert.equal(json.code, 2);
      assert.match((JSON.parse(json.stdout) as { error: string }).error, message);
    });

  test('lock writes nothing when a server cannot be probed', async () => {
    const up = await startMcpServer();
    const down = await startMcpServer();
    await down.close();
    const file = join(dir, 'partial.lock.json');
    const run = await mcpwatch(['lock', up.url, down.url, '-o', file, '--timeout', '2s']);
    await up.close();
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`${down.url}: transport/connect_refused`));
    assert.match(run.stderr, /nothing written: 1 of 2 could not be probed/);
    assert.throws(() => readFileSync(file), /ENOENT/);
  });
});

describe('a real server: server-everything', () => {
  let peer: Peer;
  before(async () => {
    peer = await startPeer('everything-streamable');
  });
  after(() => peer.stop());

  test('lock then verify: compatible, exit 0', async () => {
    const file = join(dir, 'everything.lock.json');
    const lock = await mcpwatch(['lock', peer.url, '-o', file]);
    assert.equal(lock.code, 0, lock.stderr);
    const tools = (JSON.parse(readFileSync(file, 'utf8')) as { servers: { tools: { name: string }[] }[] })
      .servers[0]!.tools;
    assert.ok(
      tools.some((t) => t.name === 'echo'),
      JSON.stringify(tools.map((t) => t.name)),
    );
    const run = await mcpwatch(['verify', '--lock', file]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /: compatible, no changes\n/);
  });
});
