/**
 * `mcpwatch serve` as a process: SIGTERM lets in-flight probes finish (or cuts them at their
 * deadline) and writes every result; a
 * SIGKILL in the middle of an incident loses nothing and, after a restart, pages nobody twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { until } from '../monitor/harness.js';
import { finished, start, waitForOutput } from './process.js';

interface Alert {
  type: string;
  data: { incidentId: string };
}

function writeConfig(dir: string, demo: DemoServer, port: number, servers: string[]): string {
  const file = join(dir, 'mcpwatch.yaml');
  const hook = demo.url.replace(/\/mcp$/, '/hook');
  writeFileSync(
    file,
    `server: { port: ${port}, host: 127.0.0.1 }
storage: { sqlite: ${join(dir, 'mcpwatch.db')} }
defaults:
  interval: 2s
  timeout: 5s
  confirm: { every: 1s, failures: 3 }
  thresholds: { errorRate5mP1: 1, errorRate15mP2: 1, errorRateElevatedP3: 1 }
servers:
${servers.map((s) => `  - { name: ${s}, url: "${demo.url}/${s}" }`).join('\n')}
channels:
  - { name: hook, type: webhook, url: "${hook}", secret: "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1wcm9jZXNzLXRlc3Q=" }
routes: { P1: [hook], P2: [hook], P3: [digest] }
`,
  );
  return file;
}

describe('serve as a process', () => {
  let dir: string;
  let demo: DemoServer;
  const alerts: Alert[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-serve-'));
    demo = await startDemoServer({ anyPath: true, onAlert: (a) => alerts.push(a as Alert) });
  });
  after(async () => {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM: in-flight probes finish and every result is written', async () => {
    const servers = ['a', 'b', 'c', 'd', 'e'];
    const config = writeConfig(dir, demo, 18_431, servers);
    const child = start(['serve', '--config', config]);
    await waitForOutput(child, 'monitoring started');
    demo.setFault('slow'); // every answer now takes 3 s: the next probes are in flight at SIGTERM
    await new Promise((r) => setTimeout(r, 2_500));
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const run = await finished(child, 15_000);
    const took = Date.now() - stoppedAt;
    demo.setFault('ok');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /every result written/);
    assert.ok(took < 5_000 + 1_500, `stopped after ${took} ms (probe deadline 5 s)`);
    const store = openSqliteStore(join(dir, 'mcpwatch.db'));
    try {
      const rows = await store.listResults({ limit: 1_000 });
      // Every request now takes 3 s, so a probe (several requests) runs into its 5 s deadline.
      const inFlight = rows.filter((r) => r.result.durationMs >= 2_900);
      assert.ok(inFlight.length >= 1, 'the probes in flight at SIGTERM were written');
      for (const r of inFlight) {
        assert.ok(r.result.durationMs <= 5_000 + 300, `cut at the deadline: ${r.result.durationMs} ms`);
        assert.match(`${r.result.failure?.layer}/${r.result.failure?.code}`, /^(initialize|tools_list)\/timeout$/);
      }
      assert.equal(new Set(rows.map((r) => r.server)).size, servers.length);
    } finally {
      await store.close();
    }
  });

  test('SIGKILL during an incident, then a restart: nothing lost, nobody paged twice', async () => {
    rmSync(join(dir, 'mcpwatch.db'), { force: true });
    const config = writeConfig(dir, demo, 18_432, ['solo']);
    let child = start(['serve', '--config', config]);
    await waitForOutput(child, 'monitoring started');
    await new Promise((r) => setTimeout(r, 3_000));
    demo.setFault('http500');
    await until(() => alerts.some((a) => a.type === 'incident.triggered'), 20_000);
    child.kill('SIGKILL');
    await finished(child, 5_000);

    child = start(['serve', '--config', config]);
    await waitForOutput(child, 'monitoring started');
    await new Promise((r) => setTimeout(r, 4_000));
    assert.deepEqual(alerts.map((a) => a.type), ['incident.triggered'], 'the restart paged nobody again');
    demo.setFault('ok');
    await until(() => alerts.some((a) => a.type === 'incident.resolved'), 20_000);
    child.kill('SIGTERM');
    assert.equal((await finished(child, 15_000)).code, 0);
    assert.deepEqual(alerts.map((a) => a.type), ['incident.triggered', 'incident.resolved']);
    assert.equal(new Set(alerts.map((a) => a.data.incidentId)).size, 1, 'one incident throughout');
  });
});
