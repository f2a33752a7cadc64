/**
 * The commands as a user runs them (a real process each): the probe report and its JSON, exit codes,
 * check-config's lines, and the JSON shapes of status and incidents that DESIGN.md fixes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { assertMatchesContract } from '../probe/contract.js';
import { mcpwatch } from './process.js';
import { harness, type Harness } from '../monitor/harness.js';

describe('mcpwatch probe', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer();
  });
  after(() => demo.close());

  test('a healthy server: one line per layer, exit 0', async () => {
    const run = await mcpwatch(['probe', demo.url]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[1]!, /^ {2}✓ transport .* 127\.0\.0\.1 \(dns .* tcp /);
    assert.match(lines[2]!, /^ {2}✓ http .* HTTP 200, first byte after /);
    assert.match(
      lines[3]!,
      /^ {2}✓ initialize .* mcpwatch-demo 1\.0\.0 · protocol 2025-11-25 over streamable-http$/,
    );
    assert.match(lines[4]!, /^ {2}✓ tools_list .* 3 tools · sha256:[0-9a-f]{12}…$/);
    assert.match(run.stdout, /\nhealthy in \d/);
  });

  test('--json: the ProbeResult alone on stdout, valid against the contract', async () => {
    const run = await mcpwatch(['probe', demo.url, '--json', '--timeout', '5s']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { ok: boolean; tools: { count: number } };
    assertMatchesContract(result);
    assert.equal(result.ok, true);
    assert.equal(result.tools.count, 3);
  });

  test('an unhealthy server: the failure in plain words with the fix, exit 1', async () => {
    const run = await mcpwatch(['probe', demo.url.replace(/\/mcp$/, '/nothing')]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ http .*HTTP 404/);
    assert.match(run.stdout, /http\/not_found \(HTTP 404\)\n {2}Nothing MCP is at this path\./);
    assert.match(run.stdout, /unhealthy \(http\/not_found\)/);
  });

  test('--min-tools above the count fails tools_list', async () => {
    const run = await mcpwatch(['probe', demo.url, '--min-tools', '5', '--json']);
    assert.equal(run.code, 1);
    const r = JSON.parse(run.stdout) as { failure: { layer: string; code: string } };
    assert.deepEqual([r.failure.layer, r.failure.code], ['tools_list', 'empty']);
  });

  for (const [args, message] of [
    [['probe', 'not-a-url'], /not a URL/],
    [['probe', 'ftp://127.0.0.1/x'], /only http and https/],
    [['probe', 'http://127.0.0.1:1/mcp', '--timeout', 'soon'], /--timeout: invalid duration/],
    [['probe', 'http://127.0.0.1:1/mcp', '--header', 'no-colon'], /--header takes "Name: value"/],
    [['probe', 'http://127.0.0.1:1/mcp', '--ca', '/nonexistent.pem'], /--ca: cannot read/],
    [['probe', 'http://127.0.0.1:1/mcp', '--bogus'], /unknown option/],
    [['probe'], /missing required argument/],
  ] as const) {
    test(`bad usage exits 2: ${args.slice(1).join(' ') || '(no URL)'}`, async () => {
      const run = await mcpwatch([...args]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    });
  }

  test('--help documents every option', async () => {
    const run = await mcpwatch(['probe', '--help']);
    assert.equal(run.code, 0);
    for (const option of [
      '--json',
      '--header',
      '--ca',
      '--timeout',
      '--min-tools',
      '--follow-redirects',
      '--era',
      '--block-private',
    ])
      assert.ok(run.stdout.includes(option), option);
    assert.match(run.stdout, /Exit status: 0 healthy, 1 unhealthy, 2 bad usage/);
  });
});

describe('mcpwatch check-config', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the example config is valid', async () => {
    const run = await mcpwatch(['check-config', '--config', 'examples/mcpwatch.yaml']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /examples\/mcpwatch\.yaml: ok · 1 servers, 1 channels/);
  });

  test('every problem with its line and path, exit 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'servers:\n  - name: Bad Name\n    url: ftp://x\n    intervall: 5s\nroutes: { P1: [nowhere] }\n',
    );
    const run = await mcpwatch(['check-config', '--config', file]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /bad\.yaml:2:\d+ servers\[0\]\.name: /);
    assert.match(run.stdout, /bad\.yaml:3:\d+ servers\[0\]\.url: /);
    assert.match(run.stdout, /bad\.yaml:4:\d+ servers\[0\]\.intervall: .*did you mean "interval"/);
    assert.match(run.stdout, /bad\.yaml:5:\d+ routes\.P1\[0\]: /);
  });

  test('a missing file is bad usage', async () => {
    const run = await mcpwatch(['check-config', '--config', join(dir, 'nope.yaml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot read .*nope\.yaml \(ENOENT\)/);
  });
});

describe('mcpwatch status, incidents and ack on a store a monitor wrote', () => {
  let h: Harness;
  let config: string;
  let incidentId: string;
  before(async () => {
    h = await harness();
    const { monitor, store } = await h.open();
    await h.run(120_000);
    h.demo.setFault('html');
    await h.run(90_000);
    incidentId = (await store.listIncidents({ open: true }))[0]!.id;
    await monitor.stop();
    await store.close();
    config = join(h.dir, 'mcpwatch.yaml');
    writeFileSync(
      config,
      `server: { port: 18433 }\nstorage: { sqlite: ${join(h.dir, 'mcpwatch.db')} }\nservers:\n  - { name: demo, url: "${h.demo.url}" }\n`,
    );
  });
  after(() => h.close());

  test('status --json: the DESIGN shape', async () => {
    const run = await mcpwatch(['status', '--json', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    const [s] = JSON.parse(run.stdout) as Record<string, any>[];
    assert.equal(s!.server, 'demo');
    assert.ok(['up', 'degraded', 'down', 'unknown', 'maintenance'].includes(s!.state));
    for (const w of ['5m', '15m', '1h', '24h', '30d']) assert.ok(w in s!.errorRate, w);
    assert.deepEqual(Object.keys(s!.p95Ms).sort(), ['1h', '7d']);
    assert.equal(s!.slo.target, 99.9);
    assert.equal(typeof s!.slo.remainingBudget, 'number');
    assert.equal(s!.openIncident, incidentId);
  });

  test('incidents --json: the DESIGN shape, with the timeline', async () => {
    const run = await mcpwatch(['incidents', '--json', '--open', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    const [i] = JSON.parse(run.stdout) as Record<string, any>[];
    assert.equal(i!.id, incidentId);
    assert.equal(i!.severity, 'P1');
    assert.equal(i!.status, 'investigating');
    assert.equal(i!.trigger, 'consecutive_failures');
    assert.deepEqual([i!.layer, i!.code], ['http', 'not_jsonrpc']);
    assert.match(i!.openedAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(i!.acknowledgedAt, null);
    assert.equal(i!.resolvedAt, null);
    assert.equal(i!.timeline[0].kind, 'opened');
  });

  test('ack without a running serve acknowledges in the store; twice is a no-op', async () => {
    const run = await mcpwatch(['ack', incidentId, '--by', 'alice', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /acknowledged .* in the store/);
    const again = await mcpwatch(['ack', incidentId, '--config', config]);
    assert.match(again.stdout, /already acknowledged by alice/);
    const list = JSON.parse((await mcpwatch(['incidents', '--json', '--config', config])).stdout) as Record<
      string,
      any
    >[];
    assert.equal(list[0]!.acknowledgedBy, 'alice');
    assert.equal(list[0]!.status, 'identified');
  });

  test('ack of an unknown incident exits 1', async () => {
    const run = await mcpwatch(['ack', 'nope', '--config', config]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no incident nope/);
  });

  test('status without data says how to start', async () => {
    const empty = join(h.dir, 'empty.yaml');
    writeFileSync(
      empty,
      `storage: { sqlite: ${join(h.dir, 'none.db')} }\nservers:\n  - { name: demo, url: "${h.demo.url}" }\n`,
    );
    const run = await mcpwatch(['status', '--config', empty]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no data yet .* start monitoring with `mcpwatch serve --config/);
  });
});
