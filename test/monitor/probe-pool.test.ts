/**
 * Probing in worker threads (monitor/probe-pool.ts): every fault case of the prober's tables gives
 * the same layers and codes through the pool as in the main thread, against real loopback servers;
 * the server's own settings (headers, CA, timeout, address guard, era) reach the worker; a worker that
 * crashes or hangs is replaced and its in-flight probes resolve as classified failures; the monitor
 * judges and stores what the pool returns; close() stops every worker.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { Worker } from 'node:worker_threads';
import { WORKER_HEAP, ProbePool, probeWorkerCount } from '../../src/monitor/probe-pool.js';
import { probeDetailed } from '../../src/probe/index.js';
import type { EraPin, ProbeResult } from '../../src/probe/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { testCerts } from '../fixtures/certs.js';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { HTTP_CASES } from '../probe/cases-http.js';
import { INITIALIZE_CASES, TOOLS_CASES } from '../probe/cases-mcp.js';
import { TRANSPORT_CASES } from '../probe/cases-transport.js';
import type { FaultCase } from '../probe/cases.js';
import { assertMatchesContract } from '../probe/contract.js';
import { assertFailure, assertHealthy } from '../probe/helpers.js';
import { silent } from './harness.js';

const UNRULY = new URL('../fixtures/unruly-probe-worker.ts', import.meta.url);

/** A pool whose workers have loaded (under tsx that takes a while), so that timings are the probes'. */
async function warmPool(opts: ConstructorParameters<typeof ProbePool>[0]): Promise<ProbePool> {
  const pool = new ProbePool(opts);
  const server = await startMcpServer();
  try {
    await Promise.all(Array.from({ length: opts.workers }, () => pool.probe(server.url)));
  } finally {
    await server.close();
  }
  return pool;
}

/** What must be the same in both threads: everything but timings, messages and ports. */
function shape(r: ProbeResult) {
  const f = r.failure;
  const facts = {
    ok: r.ok,
    failure: f && { layer: f.layer, code: f.code, httpStatus: f.httpStatus, rpcCode: f.rpcCode },
    layers: Object.fromEntries(Object.entries(r.layers).map(([k, v]) => [k, v.status])),
    transport: r.transport,
    protocolVersion: r.protocolVersion,
    statusCode: r.layers.http.statusCode,
    tls: r.tls && { ...r.tls, daysRemaining: Math.round(r.tls.daysRemaining) },
    server: r.server,
    capabilities: r.capabilities,
    auth: r.auth,
    tools: r.tools,
    warnings: r.warnings.map((w) => w.code).sort(),
  };
  return JSON.parse(JSON.stringify(facts).replace(/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:PORT'));
}

const TABLES: FaultCase[] = [...TRANSPORT_CASES, ...HTTP_CASES, ...INITIALIZE_CASES, ...TOOLS_CASES];

describe('the same results through the pool as in the main thread', () => {
  let pool: ProbePool;
  before(async () => {
    pool = await warmPool({ workers: 2 });
  });
  after(() => pool.close());

  // DNS cases inject a resolver function, which cannot cross to a worker.
  const cases = TABLES.filter((c) => {
    try {
      return !JSON.stringify(
        Object.keys(c.options?.({ url: '', close: async () => {} }, {} as never) ?? {}),
      ).includes('lookup');
    } catch {
      return true;
    }
  });

  test('the cases cover every layer, TLS and the address guard', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    for (const name of ['TLS: expired certificate', 'guard: loopback IP literal'])
      assert.ok(
        cases.some((c) => c.name === name),
        name,
      );
  });

  for (const c of cases) {
    test(c.name, async () => {
      const certs = await testCerts();
      const [local, remote] = await Promise.all([c.target(), c.target()]);
      try {
        const run = (target: typeof local, fn: typeof probeDetailed) =>
          fn(c.url ? c.url(target) : target.url, { timeoutMs: 5000, ...c.options?.(target, certs) });
        const [a, b] = await Promise.all([run(local, probeDetailed), run(remote, pool.probe)]);
        assertMatchesContract(b.result);
        assertFailure(b.result, c.expect);
        c.check?.(b.result, remote);
        assert.deepEqual(shape(b.result), shape(a.result));
      } finally {
        await Promise.all([local.close(), remote.close()]);
      }
    });
  }
});

describe('a pool of workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-pool-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the server settings reach the worker: headers, CA, era cache, tool definitions', async () => {
    const certs = await testCerts();
    const server = await startMcpServer({ tls: certs.valid });
    const pool = await warmPool({ workers: 1 });
    try {
      const eraCache = new Map<string, EraPin>();
      const opts = {
        headers: { authorization: 'Bearer pool-secret', 'x-probe': 'yes' },
        ca: Buffer.from(certs.ca),
        eraCache,
        keepToolDefinitions: true,
        region: 'eu',
      };
      const [a, b] = await Promise.all([probeDetailed(server.url, opts), pool.probe(server.url, opts)]);
      assertHealthy(b.result);
      assert.equal(b.result.region, 'eu');
      assert.equal(b.result.tls?.authorized, true);
      assert.deepEqual(shape(b.result), shape(a.result));
      assert.deepEqual(b.toolDefinitions, a.toolDefinitions);
      assert.ok((b.toolDefinitions?.length ?? 0) > 0);
      for (const r of server.requests('initialize')) {
        assert.equal(r.headers.authorization, 'Bearer pool-secret');
        assert.equal(r.headers['x-probe'], 'yes');
      }
      assert.equal(server.requests('initialize').length, 2);
      assert.equal(eraCache.get(server.url), 'streamable-http');
      // The cached era goes to the worker: no server/discover the second time.
      const discovers = server.requests('server/discover').length;
      assertHealthy((await pool.probe(server.url, opts)).result);
      assert.equal(server.requests('server/discover').length, discovers);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('a cancelled probe resolves at once, as in the main thread', async () => {
    const server = await startMcpServer({ delays: { initialize: 5_000 } });
    const pool = await warmPool({ workers: 1 });
    try {
      const ac = new AbortController();
      const t0 = performance.now();
      const p = pool.probe(server.url, { signal: ac.signal, timeoutMs: 8_000 });
      const q = probeDetailed(server.url, { signal: AbortSignal.timeout(300), timeoutMs: 8_000 });
      setTimeout(() => ac.abort(new Error('stop')), 300);
      const [b, a] = await Promise.all([p, q]);
      assert.ok(
        performance.now() - t0 < 4_500,
        `took ${performance.now() - t0} ms (the answer comes at 5 s)`,
      );
      assert.deepEqual(shape(b.result), shape(a.result));
      assert.equal(b.result.ok, false);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('a CA crosses to each worker once, and again to a worker that replaced a crashed one', async () => {
    const certs = await testCerts();
    const server = await startMcpServer({ tls: certs.valid });
    const pool = await warmPool({ workers: 2, entry: UNRULY });
    const sent: string[] = [];
    const spy = (worker: { postMessage(m: unknown): void }) => {
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (m: unknown) => {
        const type = (m as { type: string }).type;
        if (type === 'ca' || type === 'probe') sent.push(type);
        post(m);
      };
    };
    const threads = () => (pool as unknown as { threads: { worker: Worker }[] }).threads;
    try {
      for (const t of threads()) spy(t.worker);
      const trusted = () => pool.probe(server.url, { ca: certs.ca, timeoutMs: 10_000 });
      // Four at once, two per worker: the CA text goes to each before its first probe, once.
      for (const { result } of await Promise.all([trusted(), trusted(), trusted(), trusted()])) {
        assertHealthy(result);
        assert.equal(result.tls?.authorized, true);
      }
      assert.deepEqual(sent, ['ca', 'ca', 'probe', 'probe']);
      const before = pool.threadIds();
      await pool.probe(`${server.url}?crash-worker`, { timeoutMs: 10_000 });
      for (let i = 0; i < 200 && pool.stats().restarts < 1; i++) await new Promise((r) => setTimeout(r, 25));
      const replaced = threads().findIndex((t) => !before.includes(t.worker.threadId));
      assert.ok(replaced >= 0, 'a worker was replaced');
      await new Promise((r) => setTimeout(r, 50));
      sent.length = 0;
      spy(threads()[replaced]!.worker);
      for (const { result } of await Promise.all([trusted(), trusted()]))
        assert.equal(result.tls?.authorized, true);
      assert.deepEqual(sent, ['ca', 'probe', 'probe'], 'only the new worker is sent the CA');
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('a worker that crashes is replaced; its in-flight probes fail as classified results', async () => {
    const server = await startMcpServer({ delays: { initialize: 20_000 } });
    const pool = await warmPool({ workers: 1, entry: UNRULY });
    try {
      const [before] = pool.threadIds();
      const t0 = performance.now();
      const slow = pool.probe(server.url, { timeoutMs: 30_000 });
      const crash = pool.probe(`${server.url}?crash-worker`, { timeoutMs: 30_000, region: 'eu' });
      const [a, b] = await Promise.all([slow, crash]);
      // Well before the 20 s answer and the 30 s deadline (the bound leaves room for a loaded machine).
      assert.ok(performance.now() - t0 < 10_000, `took ${performance.now() - t0} ms`);
      for (const r of [a.result, b.result]) {
        assertMatchesContract(r);
        assert.equal(r.ok, false);
        assert.deepEqual(
          { layer: r.failure?.layer, code: r.failure?.code },
          { layer: 'http', code: 'malformed_http' },
        );
        assert.match(
          r.failure!.message,
          /^the probe failed unexpectedly: its probe worker crashed \(.*the test asked this worker to crash\) \(exit code 1\)$/,
        );
        assert.deepEqual(shape(r).layers, {
          transport: 'skipped',
          http: 'failed',
          initialize: 'skipped',
          tools_list: 'skipped',
        });
      }
      assert.equal(b.result.region, 'eu');
      assert.equal(b.result.url, `${server.url}?crash-worker`);
      assert.deepEqual(pool.stats(), { workers: 1, inFlight: 0, restarts: 1, lost: 2 });
      await new Promise((r) => setTimeout(r, 50));
      assert.notEqual(pool.threadIds()[0], before);
      // The replacement probes normally.
      const fast = await startMcpServer();
      try {
        assertHealthy((await pool.probe(fast.url)).result);
      } finally {
        await fast.close();
      }
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('a worker that stops answering is replaced after the deadline and the grace', async () => {
    const server = await startMcpServer();
    const pool = await warmPool({ workers: 1, entry: UNRULY, graceMs: 500 });
    try {
      const t0 = performance.now();
      const r = (await pool.probe(`${server.url}?hang-worker`, { timeoutMs: 500 })).result;
      const took = performance.now() - t0;
      assert.ok(took >= 1_000 && took < 10_000, `took ${took} ms`);
      assert.equal(r.failure?.code, 'malformed_http');
      assert.match(r.failure!.message, /its probe worker stopped \(exit code 1\)$/);
      assert.equal(pool.stats().restarts, 1);
      assertHealthy((await pool.probe(server.url)).result);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('the monitor judges and stores what the pool returns; close() stops the workers', async () => {
    const server = await startMcpServer();
    const { config, problems } = parseConfig(
      `servers:\n  - { name: api, url: "${server.url}", headers: { x-from: monitor } }\n`,
      {},
    );
    assert.ok(config, JSON.stringify(problems));
    const store = openSqliteStore(join(dir, 'monitor.db'));
    const pool = await warmPool({ workers: 2 });
    const monitor = new Monitor({ config, store, log: silent, probe: pool.probe });
    await monitor.start();
    try {
      const result = await monitor.probeNow('api');
      assert.ok(result);
      assertHealthy(result);
      assert.equal(server.requests('initialize').at(-1)?.headers['x-from'], 'monitor');
    } finally {
      await monitor.stop();
      await pool.close();
    }
    const rows = (store as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db
      .prepare('SELECT count(*) AS n FROM results')
      .get().n;
    assert.ok(rows >= 1, `${rows} results stored`);
    await store.close();
    await server.close();
    await assert.rejects(pool.probe(server.url), /the probe pool is closed/);
    assert.deepEqual(pool.stats(), { workers: 2, inFlight: 0, restarts: 0, lost: 0 });
  });

  test('how many workers: MCPWATCH_PROBE_WORKERS, then scheduler.probeWorkers, then the default', () => {
    assert.equal(probeWorkerCount(3, { MCPWATCH_PROBE_WORKERS: '0' }), 0);
    assert.equal(probeWorkerCount(3, {}), 3);
    assert.equal(probeWorkerCount(0, {}), 0);
    assert.ok(probeWorkerCount(undefined, {}) >= 2);
    assert.throws(() => probeWorkerCount(undefined, { MCPWATCH_PROBE_WORKERS: 'many' }), /0 to 64/);
    const { config } = parseConfig('scheduler: { probeWorkers: 3 }\nservers: []\n', {});
    assert.equal(config?.scheduler.probeWorkers, 3);
    const bad = parseConfig('scheduler: { probeWorkers: -1 }\nservers: []\n', {});
    assert.equal(bad.config, null);
  });
});

test("memory() answers each worker's own heap", async () => {
  const pool = await warmPool({ workers: 2 });
  try {
    const heaps = await pool.memory();
    assert.equal(heaps.length, 2);
    for (const h of heaps) {
      assert.ok(h.used > 1_000_000 && h.used <= h.total, JSON.stringify(h));
      assert.ok(h.external >= 0);
    }
  } finally {
    await pool.close();
  }
  assert.deepEqual(await pool.memory(), [], 'closed: no worker answers');
});

test('a worker heap is sized to what a worker holds, unless told otherwise', async () => {
  const MiB = 1024 * 1024;
  const limitOf = async (opts: Partial<ConstructorParameters<typeof ProbePool>[0]>) => {
    const pool = new ProbePool({ workers: 1, ...opts });
    try {
      const [heap] = await pool.memory();
      return heap!.limit / MiB;
    } finally {
      await pool.close();
    }
  };
  // V8's heap limit is the old generation's plus the young one's (three semi-spaces' worth).
  const byDefault = await limitOf({});
  const { oldGenerationMb, youngGenerationMb } = WORKER_HEAP;
  assert.ok(
    byDefault >= oldGenerationMb && byDefault <= oldGenerationMb + 3 * youngGenerationMb,
    `default: ${byDefault} MiB`,
  );
  const small = await limitOf({ oldGenerationMb: 256, youngGenerationMb: 4 });
  assert.ok(small >= 256 && small <= 256 + 3 * 4, `256 + 4 MiB: ${small} MiB`);
  const v8Own = await limitOf({ oldGenerationMb: 0, youngGenerationMb: 0 });
  assert.ok(v8Own > byDefault, `V8's own: ${v8Own} MiB against ${byDefault} by default`);
});
