/**
 * Scheduler + prober at scale: N endpoints (default 10,000) at a 60 s interval, half over HTTPS, every
 * probe a full handshake and tools/list, against loopback demo servers in a separate process. Reports
 * sustained probes/s, this process's CPU and peak RSS, and the p99 lateness of probes against their
 * schedule, and the farm's own CPU. Run: `node --import tsx bench/monitor.ts` (BENCH_ENDPOINTS,
 * BENCH_SECONDS, BENCH_INTERVAL_S to change; BENCH_PLAIN=1 makes every endpoint plain HTTP, to
 * separate the cost of TLS; BENCH_WORKERS=N probes in N worker threads, as serve does, instead of
 * in this thread; BENCH_JSON=1 prints the figures as one JSON line, for bench/scale.ts).
 */
import { pathToFileURL } from 'node:url';
import { ProbePool } from '../src/monitor/probe-pool.js';
import { probeDetailed } from '../src/probe/index.js';
import type { EraPin } from '../src/probe/types.js';
import { realClock, Scheduler, type ScheduledServer } from '../src/scheduler/index.js';
import { printTable, type BenchFigure } from './figure.js';
import { spawnFarm } from './spawn-farm.js';

interface Endpoint extends ScheduledServer {
  url: string;
  tls: boolean;
}

export async function benchMonitor(
  endpoints = Number(process.env.BENCH_ENDPOINTS ?? 10_000),
  seconds = Number(process.env.BENCH_SECONDS ?? 150),
  workers = Number(process.env.BENCH_WORKERS ?? 0),
  intervalMs = Number(process.env.BENCH_INTERVAL_S ?? 60) * 1_000,
): Promise<BenchFigure[]> {
  const farm = await spawnFarm();
  const { http, https, ca } = farm;
  const pool = workers > 0 ? new ProbePool({ workers }) : null;
  const probe = pool?.probe ?? probeDetailed;
  try {
    if (pool) await warm(pool, http, workers);
    const eraCache = new Map<string, EraPin>();
    const failures = new Map<string, number>();
    let completed = 0;
    let steadyCompleted = 0;
    const steadyFrom = Date.now() + intervalMs; // after one interval every endpoint has started
    const t0 = Date.now();
    const windows: { started: number; failed: number; lateness: number[]; durations: number[] }[] = [];
    const windowOf = (at: number) =>
      (windows[Math.floor((at - t0) / 10_000)] ??= { started: 0, failed: 0, lateness: [], durations: [] });
    const scheduler = new Scheduler<Endpoint>(
      {
        ...realClock,
        async runProbe(e, slot) {
          const w = windowOf(slot.startedAt);
          w.started++;
          w.lateness.push(slot.latenessMs);
          const { result: r } = await probe(e.url, {
            timeoutMs: 10_000,
            ca: e.tls ? ca : undefined,
            eraCache,
            keepToolDefinitions: true,
            signal: slot.signal,
          });
          w.durations.push(r.durationMs);
          if (!r.ok) w.failed++;
          completed++;
          if (Date.now() >= steadyFrom) steadyCompleted++;
          if (!r.ok)
            failures.set(
              `${r.failure?.layer}/${r.failure?.code}`,
              (failures.get(`${r.failure?.layer}/${r.failure?.code}`) ?? 0) + 1,
            );
          return { ok: r.ok };
        },
      },
      { concurrency: 500 },
    );
    for (let i = 0; i < endpoints; i++) {
      const tls = !process.env.BENCH_PLAIN && i % 2 === 1;
      scheduler.add({
        name: `ep-${i}`,
        url: `${tls ? https : http}/${i}`,
        tls,
        intervalMs,
        confirmEveryMs: 15_000,
        confirmFailures: 3,
        timeoutMs: 10_000,
      });
    }
    const cpu0 = process.cpuUsage();
    const farmCpu0 = farm.cpuSeconds();
    const elu0 = performance.eventLoopUtilization();
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
    scheduler.start();
    await new Promise((r) => setTimeout(r, seconds * 1_000));
    await scheduler.stop({ abort: true });
    clearInterval(sampler);
    const wall = (Date.now() - t0) / 1_000;
    const cpu = process.cpuUsage(cpu0);
    const farmCpu = farm.cpuSeconds() - farmCpu0;
    const elu = performance.eventLoopUtilization(elu0);
    const stats = scheduler.stats();
    const steadySeconds = Math.max(1, (Date.now() - steadyFrom) / 1_000);
    const figures: BenchFigure[] = [
      {
        name: process.env.BENCH_PLAIN ? 'endpoints (all HTTP)' : 'endpoints (half HTTPS)',
        value: endpoints,
        unit: 'count',
      },
      { name: 'probe workers (0: in the main thread)', value: workers, unit: 'threads' },
      {
        name: `needed rate (endpoints / ${intervalMs / 1_000} s)`,
        value: Math.round((endpoints / (intervalMs / 1_000)) * 10) / 10,
        unit: 'probes/s',
      },
      {
        name: 'sustained rate after the first interval',
        value: Math.round((steadyCompleted / steadySeconds) * 10) / 10,
        unit: 'probes/s',
      },
      {
        name: 'sustained / needed',
        value: Math.round((steadyCompleted / steadySeconds / (endpoints / (intervalMs / 1_000))) * 100) / 100,
        unit: 'ratio',
        target: '>= 1',
      },
      { name: 'probes completed', value: completed, unit: 'count' },
      {
        name: 'probes failed',
        value: [...failures.values()].reduce((a, b) => a + b, 0),
        unit: 'count',
        target: '0',
      },
      { name: 'skipped slots', value: stats.skippedSlots, unit: 'count', target: '0' },
      { name: 'lateness p50', value: stats.lateness.p50, unit: 'ms' },
      { name: 'lateness p99', value: stats.lateness.p99, unit: 'ms', target: '< 2000' },
      { name: 'lateness max', value: stats.lateness.max, unit: 'ms' },
      {
        name: 'monitor CPU (user+sys / wall)',
        value: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100) / 100,
        unit: 'cores',
      },
      {
        name: 'monitor CPU per probe',
        value: Math.round(((cpu.user + cpu.system) / 1e3 / Math.max(1, completed)) * 100) / 100,
        unit: 'ms',
      },
      {
        name: 'main thread busy (event-loop utilization)',
        value: Math.round(elu.utilization * 100) / 100,
        unit: 'ratio',
      },
      { name: 'farm CPU (user+sys / wall)', value: Math.round((farmCpu / wall) * 100) / 100, unit: 'cores' },
      { name: 'monitor peak RSS', value: Math.round(peakRss / 2 ** 20), unit: 'MiB', target: '< 1024' },
    ];
    for (const [code, n] of failures) figures.push({ name: `  failed: ${code}`, value: n, unit: 'count' });
    if (process.env.BENCH_TIMELINE) {
      const p = (xs: number[], q: number) =>
        xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]! : 0;
      for (const [i, w] of windows.entries())
        if (w)
          console.error(
            `${i * 10}s: started ${w.started} failed ${w.failed} lateness p99 ${p(w.lateness, 0.99)} ms, duration p50 ${Math.round(p(w.durations, 0.5))} p99 ${Math.round(p(w.durations, 0.99))} ms`,
          );
    }
    return figures;
  } finally {
    await pool?.close();
    farm.stop();
  }
}

/** Loads every worker before the clock starts (under tsx that takes seconds). */
export async function warm(pool: ProbePool, url: string, workers: number): Promise<void> {
  await Promise.all(Array.from({ length: workers * 2 }, () => pool.probe(url)));
}

/** Prints the table, or with BENCH_JSON=1 one JSON line of the figures (bench/scale.ts reads it). */
export function report(title: string, figures: BenchFigure[]): void {
  if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
  else printTable(title, figures);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  report('monitor benchmark (scheduler + prober)', await benchMonitor());
}
