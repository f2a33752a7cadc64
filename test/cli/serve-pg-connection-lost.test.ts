/**
 * `mcpwatch serve` on PostgreSQL loses its connection for 5 s (a loopback TCP proxy in front of the
 * real PostgreSQL cuts every connection and refuses new ones): /healthz says "degraded" with the
 * reason meanwhile and "ok" after, the warning is logged once (not per probe), and every probe of
 * the period is in the store afterwards, once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { createPgSchema, pgSkip, pgTestUrl, type PgSchema } from '../fixtures/pg.js';
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy.js';
import { until } from '../monitor/harness.js';
import { finished, freePort, start, waitForOutput } from './process.js';

async function healthz(
  base: string,
): Promise<{ code: number; body: { status: string; store?: { reason: string } } }> {
  const res = await fetch(`${base}/healthz`);
  return { code: res.status, body: (await res.json()) as { status: string; store?: { reason: string } } };
}

async function probesCounted(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('mcpwatch_probes_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe('serve on PostgreSQL when the connection is lost', pgSkip(), () => {
  let dir: string;
  let demo: DemoServer;
  let schema: PgSchema;
  let proxy: TcpProxy;
  const children: ChildProcess[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-serve-pg-lost-'));
    demo = await startDemoServer({ anyPath: true });
    schema = await createPgSchema();
    proxy = await startTcpProxy(pgTestUrl()!);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await proxy.close();
    await demo.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 5 s cut: degraded on /healthz, one warning, every probe of the period stored once', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = join(dir, 'mcpwatch.yaml');
    writeFileSync(
      config,
      `server: { port: ${port}, host: 127.0.0.1 }
storage: { postgres: "${proxy.url(schema.url)}" }
defaults: { interval: 1s, timeout: 5s }
servers:
  - { name: one, url: "${demo.url}/one" }
  - { name: two, url: "${demo.url}/two" }
`,
    );
    const child = start(['serve', '--config', config]);
    children.push(child);
    const exited = finished(child, 90_000);
    await waitForOutput(child, 'dashboard at');
    await until(async () => (await probesCounted(base)) >= 4, 20_000);
    assert.deepEqual(await healthz(base).then((h) => [h.code, h.body.status]), [200, 'ok']);

    proxy.down();
    const cutAt = Date.now();
    await until(
      async () => /writes wait in memory/.test((await healthz(base)).body.store?.reason ?? ''),
      4_000,
    );
    const during = await healthz(base);
    assert.equal(during.code, 200, 'degraded is not a failure a liveness check should restart for');
    assert.match(
      during.body.store!.reason,
      /the database is unreachable since .*: \d+ writes wait in memory \(\d+ probe results, .* of 64\.0 MiB\)/,
    );
    // /metrics reads the store too, so it cannot count the probes of the cut: the store does, after.
    await new Promise((r) => setTimeout(r, 5_000 - (Date.now() - cutAt)));
    proxy.up();
    await until(async () => (await healthz(base)).body.status === 'ok', 15_000);
    const total = await probesCounted(base);

    child.kill('SIGTERM');
    const run = await exited;
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    const unreachable = lines.filter((l) => /PostgreSQL is unreachable/.test(l.msg));
    assert.equal(unreachable.length, 1, unreachable.map((l) => l.msg).join('\n'));
    assert.equal(unreachable[0]!.level, 40, 'a warning');
    assert.equal(lines.filter((l) => /answers again/.test(l.msg)).length, 1);
    assert.equal(
      lines.filter((l) => l.level >= 50).length,
      0,
      lines
        .filter((l) => l.level >= 50)
        .map((l) => l.msg)
        .join('\n'),
    );

    const store = await openPostgresStore(schema.url, { migrate: false });
    try {
      const rows = await store.listResults({ limit: 10_000 });
      assert.ok(rows.length >= total, `${rows.length} stored, ${total} probes counted before the stop`);
      const inCut = rows.filter((r) => r.at >= cutAt && r.at < cutAt + 5_000);
      assert.ok(inCut.length >= 6, `${inCut.length} results from the 5 s cut`);
      const keys = rows.map((r) => `${r.server}@${r.at}`);
      assert.equal(new Set(keys).size, keys.length, 'no result stored twice');
      let sum = 0;
      for (const s of ['one', 'two'])
        for (const r of await store.rollups(s, 'day', 0, Date.now() + 86_400_000)) sum += r.total;
      assert.equal(sum, rows.length, 'rollups count every stored result once');
    } finally {
      await store.close();
    }
  });
});
