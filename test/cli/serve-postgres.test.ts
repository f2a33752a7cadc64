/**
 * `mcpwatch serve` on PostgreSQL, end to end: the demo server breaks, serve detects it (incident and
 * page), `incidents`, `status` and `ack` read and change the same PostgreSQL store, the server heals
 * and the incident resolves. Also: PostgreSQL unreachable at start is a clear error and exit code 2.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { createPgSchema, pgSkip, type PgSchema } from '../fixtures/pg.js';
import { until } from '../monitor/harness.js';
import { finished, freePort, mcpwatch, start, waitForOutput } from './process.js';

interface Alert {
  type: string;
  data: { incidentId: string };
}

function writeConfig(dir: string, storage: string, demo: DemoServer, port = 1): string {
  const file = join(dir, 'mcpwatch.yaml');
  writeFileSync(
    file,
    `server: { port: ${port}, host: 127.0.0.1 }
storage: { postgres: "${storage}" }
defaults:
  interval: 1s
  timeout: 5s
  confirm: { every: 1s, failures: 3 }
  thresholds: { errorRate5mP1: 1, errorRate15mP2: 1, errorRateElevatedP3: 1 }
servers:
  - { name: solo, url: "${demo.url}/solo" }
channels:
  - { name: hook, type: webhook, url: "${demo.url.replace(/\/mcp$/, '/hook')}", secret: "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1wcm9jZXNzLXRlc3Q=" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
`,
  );
  return file;
}

describe('serve on PostgreSQL', pgSkip(), () => {
  let dir: string;
  let demo: DemoServer;
  let schema: PgSchema;
  const alerts: Alert[] = [];
  const children: ChildProcess[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-serve-pg-'));
    demo = await startDemoServer({ anyPath: true, onAlert: (a) => alerts.push(a as Alert) });
    schema = await createPgSchema();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await demo.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('detects, pages, acks and resolves an incident; every reading command sees it', async () => {
    const config = writeConfig(dir, schema.url, demo, await freePort());
    const child = start(['serve', '--config', config]);
    children.push(child);
    const exited = finished(child, 120_000);
    await waitForOutput(child, 'dashboard at');
    await new Promise((r) => setTimeout(r, 2_000));
    demo.setFault('http500');
    await until(() => alerts.some((a) => a.type === 'incident.triggered'), 30_000);
    const id = alerts.find((a) => a.type === 'incident.triggered')!.data.incidentId;

    const listed = await mcpwatch(['incidents', '--config', config, '--json', '--open']);
    assert.equal(listed.code, 0, listed.stderr);
    const open = JSON.parse(listed.stdout) as { id: string; server: string; status: string }[];
    assert.deepEqual(
      open.map((i) => [i.id, i.server]),
      [[id, 'solo']],
    );
    const status = await mcpwatch(['status', '--config', config, '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /"solo"/);
    const ack = await mcpwatch(['ack', id, '--config', config, '--by', 'test']);
    assert.equal(ack.code, 0, `${ack.stdout}\n${ack.stderr}`);

    demo.setFault('ok');
    await until(() => alerts.some((a) => a.type === 'incident.resolved'), 60_000);
    child.kill('SIGTERM');
    const run = await exited;
    assert.equal(run.code, 0, run.stderr.slice(-2000));

    const store = await openPostgresStore(schema.url, { migrate: false });
    try {
      const incident = await store.getIncident(id);
      assert.equal(incident?.status, 'resolved');
      assert.ok(incident?.acknowledgedAt, 'the ack from the CLI was applied');
      const failed = await store.listResults({ server: 'solo', onlyFailed: true, limit: 1_000 });
      assert.ok(failed.length >= 3, `${failed.length} failed probes stored`);
      assert.ok(failed.every((r) => r.result.failure?.layer === 'http'));
      assert.ok((await store.listResults({ server: 'solo', limit: 1_000 })).length > failed.length);
    } finally {
      await store.close();
    }
  });

  test('PostgreSQL unreachable at start: a clear error naming the URL without its password, exit 2', async () => {
    const config = writeConfig(dir, 'postgres://mcpwatch:s3cret@127.0.0.1:1/none', demo);
    for (const cmd of [['serve'], ['status'], ['incidents']]) {
      const run = await mcpwatch([...cmd, '--config', config], { timeoutMs: 20_000 });
      assert.equal(run.code, 2, `${cmd[0]}: ${run.stdout}\n${run.stderr}`);
      assert.match(
        run.stderr,
        /cannot open the PostgreSQL store at postgres:\/\/mcpwatch:\*\*\*@127\.0\.0\.1:1\/none/,
      );
      assert.doesNotMatch(run.stdout + run.stderr, /s3cret/);
    }
  });
});
