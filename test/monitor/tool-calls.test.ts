/**
 * Configured tool calls end to end: the monitor on a fake clock probes a real loopback MCP server with
 * the real prober. `every: 5` calls echo on every 5th probe; a write tool is refused by the read-only
 * guard (never sent, warned once); when echo starts answering isError, the confirmation re-probes call
 * it again and three failures in a row open a P2 at tool_call/tool_error; fixed, it resolves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startMcpServer, type McpServerOptions } from '../fixtures/mcp-server.js';
import { FakeClock, settle } from '../scheduler/fake-clock.js';
import { T0, until } from './harness.js';

const CONFIG = `
servers:
  - name: search
    url: \${URL}
    calls:
      - { tool: echo, arguments: { message: hi }, every: 5, expect: { textContains: "Echo: hi" } }
      - { tool: delete_all }
`;

const TOOLS = [
  {
    name: 'echo',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  { name: 'delete_all', inputSchema: { type: 'object' }, annotations: { destructiveHint: true } },
];

test('every 5th probe, the guard, and a failing call opening a P2 at tool_call/tool_error', async () => {
  const opts: McpServerOptions = { tools: TOOLS, toolReplies: {} };
  const fixture = await startMcpServer(opts);
  const { config, problems } = parseConfig(CONFIG, { URL: fixture.url });
  if (!config) await fixture.close();
  assert.ok(config, JSON.stringify(problems));

  const logs: { msg: string; tool?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-calls-'));
  const store = openSqliteStore(join(dir, 'm.db'));
  const clock = new FakeClock(T0);
  const monitor = new Monitor({ config, store, log: pino({ level: 'warn' }, sink), clock });
  const seen: { last?: ProbeResult } = {};
  monitor.setHooks({ onProbe: (server, result) => void (server === 'search' && (seen.last = result)) });
  const run = async (ms: number) => {
    for (const end = clock.now() + ms; clock.now() < end;) {
      await clock.advance(1_000);
      await settle();
      await until(() => monitor.stats().scheduler.inFlight === 0);
    }
  };
  const echoes = () => fixture.requests('tools/call').filter((r) => r.body?.params?.name === 'echo').length;
  try {
    assert.deepEqual(config.servers[0]!.calls![0]!.every, { probes: 5 });
    await monitor.start();
    await run(10 * 60_000);
    const probes = fixture.requests('tools/list').length;
    assert.ok(probes >= 9 && probes <= 11, `${probes} probes in 10 min`);
    assert.equal(echoes(), Math.ceil(probes / 5), `echo on every 5th of ${probes} probes`);
    assert.equal(fixture.requests('tools/call').length, echoes(), 'delete_all was never sent');
    const refused = logs.filter((l) => l.tool === 'delete_all');
    assert.equal(refused.length, 1, 'the guard is logged once');
    assert.match(refused[0]!.msg, /not annotated readOnlyHint: true .* never sent .* allowWrite: true/);
    assert.equal((await store.listIncidents({ open: true })).length, 0);
    const last = seen.last;
    assert.ok(last);
    assert.equal(last.ok, true);
    assert.deepEqual(
      last.layers.tool_call!.calls.map((c) => c.skipped ?? c.status),
      [probes % 5 === 1 ? 'ok' : 'not_due', 'not_read_only'],
    );

    // echo breaks: found at its next due probe, then every confirmation re-probe calls it again.
    opts.toolReplies!.echo = {
      result: { content: [{ type: 'text', text: 'index offline' }], isError: true },
    };
    const brokeAt = clock.now();
    let incident = null;
    while (!incident && clock.now() < brokeAt + 10 * 60_000) {
      await run(5_000);
      [incident] = await store.listIncidents({ open: true });
    }
    assert.ok(incident, 'an incident opened');
    assert.equal(incident.severity, 'P2');
    assert.equal(incident.trigger, 'consecutive_soft_failures');
    assert.equal(incident.layer, 'tool_call');
    assert.equal(incident.code, 'tool_error');
    assert.ok(
      incident.openedAt - brokeAt <= 5 * 60_000 + 60_000,
      `opened ${incident.openedAt - brokeAt} ms after`,
    );
    assert.match(incident.timeline[0]!.message, /tool_call\/tool_error/);
    assert.equal(fixture.requests('tools/call').length, echoes(), 'delete_all was never sent');

    // Fixed: the next probe calls echo again (its last call failed) and passes; the incident resolves
    // once no trigger holds (the 15-minute error rate holds down to half its threshold).
    delete opts.toolReplies!.echo;
    const fixedAt = clock.now();
    const callsBefore = echoes();
    await run(90_000);
    assert.ok(echoes() > callsBefore, 'echo called again right after the fix');
    let after = (await store.listIncidents({}))[0]!;
    while (after.status !== 'resolved' && clock.now() < fixedAt + 30 * 60_000) {
      await run(30_000);
      after = (await store.listIncidents({}))[0]!;
    }
    assert.equal(after.status, 'resolved');
    assert.equal((await store.listIncidents({})).length, 1, 'one incident throughout');
  } finally {
    await monitor.stop();
    await store.close();
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
