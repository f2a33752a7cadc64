/**
 * `mcpwatch serve` as a process: SIGTERM lets in-flight probes finish (or cuts them at their
 * deadline) and writes every result; a SIGKILL between the incident change and the page getting through
 * loses nothing: after a restart the page is sent exactly once. (A kill after the receiver took a
 * message but before it was recorded as sent resends it once with the same webhook-id / dedup_key,
 * which receivers use to drop the duplicate: delivery is at-least-once with idempotency keys.)
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

function writeConfig(
  dir: string,
  demo: DemoServer,
  port: number,
  servers: string[],
  hook = demo.url.replace(/\/mcp$/, '/hook'),
): string {
  const file = join(dir, 'mcpwatch.yaml');
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
  let root: string;
  let demo: DemoServer;
  const alerts: Alert[] = [];
  const children: ChildProcess[] = [];
  const serve = (config: string) => {
    const child = start(['serve', '--config', config]);
    children.push(child);
    return child;
  };
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mcpwatch-serve-'));
    demo = await startDemoServer({ anyPath: true, onAlert: (a) => alerts.push(a as Alert) });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await demo.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('SIGTERM: in-flight probes finish and every result is written', async () => {
    const dir = mkdtempSync(join(root, 'sigterm-'));
    const servers = ['a', 'b', 'c', 'd', 'e'];
    const config = writeConfig(dir, demo, 18_431, servers);
    const child = serve(config);
    await waitForOutput(child, 'dashboard at');
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
        assert.match(
          `${r.result.failure?.layer}/${r.result.failure?.code}`,
          /^(initialize|tools_list)\/timeout$/,
        );
      }
      assert.equal(new Set(rows.map((r) => r.server)).size, servers.length);
    } finally {
      await store.close();
    }
  });

  test('SIGKILL after the incident change, before the page got through: sent exactly once after restart', async () => {
    // A receiver we control: refuses with 503 (retryable) until told to accept.
    let accepting = false;
    const accepted: { id: string; alert: Alert }[] = [];
    let refused = 0;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (!accepting) {
          refused++;
          return res.writeHead(503, { 'retry-after': '1' }).end();
        }
        accepted.push({ id: String(req.headers['webhook-id']), alert: JSON.parse(body) as Alert });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const dir = mkdtempSync(join(root, 'sigkill-'));
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const config = writeConfig(dir, demo, 18_432, ['solo'], hook);
      let child = serve(config);
      await waitForOutput(child, 'dashboard at');
      await new Promise((r) => setTimeout(r, 3_000));
      demo.setFault('http500');
      await until(() => refused > 0, 20_000); // the incident is committed and its page is in the outbox
      child.kill('SIGKILL');
      await finished(child, 5_000);

      accepting = true;
      child = serve(config);
      await waitForOutput(child, 'dashboard at');
      await until(() => accepted.length > 0, 20_000);
      await new Promise((r) => setTimeout(r, 4_000));
      assert.deepEqual(
        accepted.map((a) => a.alert.type),
        ['incident.triggered'],
        'sent once after the restart',
      );
      demo.setFault('ok');
      await until(() => accepted.some((a) => a.alert.type === 'incident.resolved'), 30_000);
      child.kill('SIGTERM');
      const stopped = await finished(child, 15_000);
      assert.equal(stopped.code, 0, `signal ${stopped.signal}; ${stopped.stderr.slice(-2000)}`);
      assert.deepEqual(
        accepted.map((a) => a.alert.type),
        ['incident.triggered', 'incident.resolved'],
      );
      assert.equal(new Set(accepted.map((a) => a.alert.data.incidentId)).size, 1, 'one incident throughout');
      assert.equal(new Set(accepted.map((a) => a.id)).size, 2, 'distinct webhook-ids');
    } finally {
      receiver.close();
    }
  });
});
