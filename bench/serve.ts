/**
 * The whole monitor at scale, as `mcpwatch serve` runs it minus the web face: scheduler, prober,
 * SQLite store (raw results and rollups), engine and outbox, for N endpoints (default 10,000) at a
 * 60 s interval, half over HTTPS, against the endpoint farm in its own process. Reports sustained
 * probes/s, lateness, this process's CPU and peak RSS, and what the store holds after. Judge peak RSS
 * at 50,000 by runs of BENCH_SECONDS=600 or more: the main heap reaches its steady limits only after
 * minutes (docs/benchmarks.md, "over ten minutes").
 * Run: `node --import tsx bench/serve.ts` (BENCH_ENDPOINTS, BENCH_SECONDS, BENCH_INTERVAL_S;
 * BENCH_PLAIN=1 for plain HTTP only; BENCH_DIST=1 runs the built dist/ (`npm run build` first); BENCH_WORKER_YOUNG_MB=N and BENCH_WORKER_OLD_MB=N size each probe worker's generations (0: V8's own; default the pool's WORKER_HEAP); BENCH_CONCURRENCY probes in flight at most (default 500); BENCH_WORKERS=N probes in N worker threads as serve does, 0
 * in the main thread; BENCH_JSON=1 prints one JSON line; BENCH_HEAP_SNAPSHOT=FILE writes a heap snapshot of the stopped
 * monitor, every server still held (for Chrome DevTools: what each server keeps alive); BENCH_HEAP_SNAPSHOT_STEADY=FILE one
 * halfway through the steady part, the monitor running (what holds a probe's objects); BENCH_HEAP_PROFILE=FILE writes a
 * sampling heap profile of what is alive and what was promoted and then collected, the garbage behind
 * the peak RSS (BENCH_HEAP_PROFILE_ALL=1: every allocation; BENCH_HEAP_PROFILE_LIVE=1: only what is
 * still alive at the end; BENCH_HEAP_PROFILE_STEADY=1: only from the end of the first interval to just
 * before the stop, the steady state), for Chrome DevTools or bench/heap-top.ts).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import type { BenchFigure } from './figure.js';
import { report, warm } from './monitor.js';
import { gcFunction } from './gc.js';
import { startHeapSampling } from './heap-sampling.js';
import { spawnFarm } from './spawn-farm.js';

// BENCH_DIST=1 runs the built modules (dist/, after `npm run build`) as `mcpwatch serve` does: the
// probe workers then load plain JavaScript, without tsx in each of them.
const lib = process.env.BENCH_DIST ? '../dist' : '../src';
const { parseConfig } = (await import(`${lib}/config/index.js`)) as typeof import('../src/config/index.js');
const { Monitor } = (await import(`${lib}/monitor/monitor.js`)) as typeof import('../src/monitor/monitor.js');
const { ProbePool } = (await import(
  `${lib}/monitor/probe-pool.js`
)) as typeof import('../src/monitor/probe-pool.js');
const { openSqliteStore } = (await import(
  `${lib}/store/sqlite/index.js`
)) as typeof import('../src/store/sqlite/index.js');

/**
 * Writes and reads the config of `endpoints` servers. In a function of its own so that its text (tens
 * of MiB at 50,000) is not kept alive by the benchmark's frame for the whole run and counted as the
 * monitor's.
 */
function writeConfig(
  dir: string,
  farm: { http: string; https: string; ca: string },
  endpoints: number,
  intervalS: number,
  concurrency: number,
) {
  writeFileSync(join(dir, 'ca.pem'), farm.ca);
  const servers = Array.from({ length: endpoints }, (_, i) =>
    !process.env.BENCH_PLAIN && i % 2 === 1
      ? `  - { name: ep-${i}, url: "${farm.https}/${i}", ca: ca.pem }`
      : `  - { name: ep-${i}, url: "${farm.http}/${i}" }`,
  );
  const yaml = `scheduler: { concurrency: ${concurrency} }\ndefaults: { interval: ${intervalS}s }\nstorage: { sqlite: ${join(dir, 'mcpwatch.db')} }\nservers:\n${servers.join('\n')}\n`;
  const file = join(dir, 'mcpwatch.yaml');
  writeFileSync(file, yaml);
  const { config, problems } = parseConfig(yaml, {}, { file });
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  return config;
}

export async function benchServe(
  endpoints = Number(process.env.BENCH_ENDPOINTS ?? 10_000),
  seconds = Number(process.env.BENCH_SECONDS ?? 150),
  workers = Number(process.env.BENCH_WORKERS ?? 0),
  intervalS = Number(process.env.BENCH_INTERVAL_S ?? 60),
  concurrency = Number(process.env.BENCH_CONCURRENCY ?? 500),
): Promise<BenchFigure[]> {
  const farm = await spawnFarm();
  const mb = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const youngMb = mb('BENCH_WORKER_YOUNG_MB');
  const oldMb = mb('BENCH_WORKER_OLD_MB');
  const pool =
    workers > 0
      ? new ProbePool({
          workers,
          ...(youngMb !== undefined && { youngGenerationMb: youngMb }),
          ...(oldMb !== undefined && { oldGenerationMb: oldMb }),
        })
      : null;
  if (pool) await warm(pool, farm.http, workers);
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-serve-'));
  try {
    // Sampling starts before the config is read (the servers' configs are part of what each costs),
    // or with BENCH_HEAP_PROFILE_STEADY once the first interval is over.
    const steadyOnly = Boolean(process.env.BENCH_HEAP_PROFILE_STEADY);
    const sample = () =>
      startHeapSampling(
        64 * 1024,
        process.env.BENCH_HEAP_PROFILE_ALL ? 'all' : process.env.BENCH_HEAP_PROFILE_LIVE ? 'none' : 'major',
      );
    let sampling = process.env.BENCH_HEAP_PROFILE && !steadyOnly ? await sample() : null;
    const config = writeConfig(dir, farm, endpoints, intervalS, concurrency);
    const store = openSqliteStore(join(dir, 'mcpwatch.db'));
    const monitor = new Monitor({
      config,
      store,
      log: pino({ level: 'silent' }),
      ...(pool && { probe: pool.probe }),
    });
    const peak = { rss: 0, heap: 0, external: 0, workers: 0 };
    let t0 = Date.now();
    let ticks = 0;
    const mib = (n: number) => Math.round(n / 2 ** 20);
    // Promotion: what the old generation gains between samples, summed (a major collection's drop is
    // not counted). Garbage promoted is what makes V8 grow the heap; counted in the steady part only.
    const promotion = { last: oldSpaceUsed(), bytes: 0, counting: false };
    const sampler = setInterval(() => {
      const old = oldSpaceUsed();
      if (promotion.counting && old > promotion.last) promotion.bytes += old - promotion.last;
      promotion.last = old;
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapTotal);
      peak.external = Math.max(peak.external, m.external);
      if (++ticks % 8 !== 0) return;
      // Every 2 s: the workers' own heaps (committed), to tell what the RSS is made of.
      void (pool ? pool.memory() : Promise.resolve([])).then((heaps) => {
        const total = heaps.reduce((n, h) => n + h.total + h.external, 0);
        peak.workers = Math.max(peak.workers, total);
        if (process.env.BENCH_TIMELINE && ticks % 20 === 0)
          console.error(
            `${((Date.now() - t0) / 1_000).toFixed(0)}s: lateness p99 ${monitor.stats().scheduler.lateness.p99} ms, rss ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB, workers ${mib(total)} MiB, completed ${monitor.stats().scheduler.completed}`,
          );
      });
    }, 250);
    const cpu0 = process.cpuUsage();
    const farmCpu0 = farm.cpuSeconds();
    const elu0 = performance.eventLoopUtilization();
    t0 = Date.now();
    await monitor.start();
    await new Promise((r) => setTimeout(r, intervalS * 1_000));
    const steady0 = monitor.stats().scheduler.completed;
    const steadyT0 = Date.now();
    promotion.counting = true;
    if (process.env.BENCH_HEAP_PROFILE && steadyOnly) sampling = await sample();
    const steadyMs = Math.max(1, seconds - intervalS) * 1_000;
    if (process.env.BENCH_HEAP_SNAPSHOT_STEADY) {
      // Halfway through the steady part, the monitor running: what holds a probe's objects past a scavenge.
      await new Promise((r) => setTimeout(r, steadyMs / 2));
      writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT_STEADY);
      await new Promise((r) => setTimeout(r, steadyMs / 2));
    } else await new Promise((r) => setTimeout(r, steadyMs));
    if (steadyOnly && sampling) {
      await sampling.stop(process.env.BENCH_HEAP_PROFILE!);
      sampling = null;
    }
    const steady = (monitor.stats().scheduler.completed - steady0) / ((Date.now() - steadyT0) / 1_000);
    const steadyProbes = monitor.stats().scheduler.completed - steady0;
    promotion.counting = false;
    await monitor.stop();
    clearInterval(sampler);
    const wall = (Date.now() - t0) / 1_000;
    const cpu = process.cpuUsage(cpu0);
    const farmCpu = farm.cpuSeconds() - farmCpu0;
    const elu = performance.eventLoopUtilization(elu0);
    if (sampling) await sampling.stop(process.env.BENCH_HEAP_PROFILE!);
    const stats = monitor.stats().scheduler;
    // After the run's figures are taken (a forced collection pauses the thread), and while the
    // stopped monitor still holds every server.
    const live = liveMemory();
    if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    const rows = (store as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db
      .prepare('SELECT count(*) AS n FROM results')
      .get().n;
    const incidents = (await store.listIncidents({ limit: 10_000 })).length;
    await store.close();
    return [
      {
        name: process.env.BENCH_PLAIN ? 'endpoints (all HTTP)' : 'endpoints (half HTTPS)',
        value: endpoints,
        unit: 'count',
      },
      { name: 'probe workers (0: in the main thread)', value: workers, unit: 'threads' },
      { name: 'scheduler concurrency (probes in flight at most)', value: concurrency, unit: 'probes' },
      {
        name: `needed rate (endpoints / ${intervalS} s)`,
        value: Math.round((endpoints / intervalS) * 10) / 10,
        unit: 'probes/s',
      },
      {
        name: 'sustained rate after the first interval',
        value: Math.round(steady * 10) / 10,
        unit: 'probes/s',
        target: `>= ${Math.round((endpoints / intervalS) * 10) / 10}`,
      },
      {
        name: 'sustained / needed',
        value: Math.round((steady / (endpoints / intervalS)) * 100) / 100,
        unit: 'ratio',
        target: '>= 1',
      },
      { name: 'probes failed', value: stats.failed, unit: 'count', target: '0' },
      { name: 'skipped slots', value: stats.skippedSlots, unit: 'count', target: '0' },
      { name: 'lateness p50', value: stats.lateness.p50, unit: 'ms' },
      { name: 'lateness p99', value: stats.lateness.p99, unit: 'ms', target: '< 2000' },
      { name: 'results written', value: rows, unit: 'rows' },
      { name: 'incidents opened', value: incidents, unit: 'count', target: '0' },
      {
        name: 'store size',
        value: Math.round(statSync(join(dir, 'mcpwatch.db')).size / 2 ** 20),
        unit: 'MiB',
      },
      {
        name: 'monitor CPU (user+sys / wall)',
        value: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100) / 100,
        unit: 'cores',
      },
      {
        name: 'main thread busy (event-loop utilization)',
        value: Math.round(elu.utilization * 100) / 100,
        unit: 'ratio',
      },
      { name: 'farm CPU (user+sys / wall)', value: Math.round((farmCpu / wall) * 100) / 100, unit: 'cores' },
      {
        name: 'main thread: promoted to the old generation per probe, after the first interval',
        value: Math.round(promotion.bytes / Math.max(1, steadyProbes)),
        unit: 'bytes',
      },
      { name: 'monitor peak RSS', value: mib(peak.rss), unit: 'MiB', target: '< 1024' },
      { name: '  of which main heap committed, peak', value: mib(peak.heap), unit: 'MiB' },
      { name: '  main thread external (array buffers…), peak', value: mib(peak.external), unit: 'MiB' },
      { name: "  workers' heaps + external, peak", value: mib(peak.workers), unit: 'MiB' },
      ...(live
        ? [
            { name: 'main heap live after a full GC, at the end', value: mib(live.heapUsed), unit: 'MiB' },
            {
              name: 'main array buffers after a full GC, at the end',
              value: mib(live.arrayBuffers),
              unit: 'MiB',
            },
            {
              name: 'per server: main heap + array buffers live',
              value: Math.round((live.heapUsed + live.arrayBuffers) / endpoints),
              unit: 'bytes',
            },
          ]
        : []),
    ];
  } finally {
    await pool?.close();
    farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes in use in the main thread's old generation (old space and large objects). */
function oldSpaceUsed(): number {
  let n = 0;
  for (const s of getHeapSpaceStatistics())
    if (s.space_name === 'old_space' || s.space_name === 'large_object_space') n += s.space_used_size;
  return n;
}

/**
 * What is alive in the main thread, after full collections (the benchmark's own view: the monitor
 * never forces one). Null when V8 will not give the benchmark a gc function.
 */
function liveMemory(): NodeJS.MemoryUsage | null {
  const gc = gcFunction();
  if (!gc) return null;
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  report('serve benchmark (scheduler + prober + store + engine + outbox)', await benchServe());
}
