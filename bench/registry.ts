/**
 * MCP Registry benchmark (issue 12), against the loopback registry of the tests (real API shape,
 * pages of 100, the official registry's largest) holding BENCH_ENTRIES (default 20,000) entries:
 * 85% streamable-http, 10% sse, 3% packages only, 2% templated URLs, 1% deprecated.
 * - import: every page read, mapped, merged and planned, then the YAML written;
 * - sync into a running monitor (SQLite in memory, probes faked, fake clock): the first, full sync
 *   that adds every server; an incremental one (updated_since) with 200 changes; the heap the
 *   source's state and the servers take;
 * - the spread of the new servers' first probes over their 60 s interval: the busiest second.
 * Run directly: node --import tsx bench/registry.ts
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { parseConfig } from '../src/config/index.js';
import { Monitor } from '../src/monitor/monitor.js';
import { monitorTarget, withSources } from '../src/monitor/sources.js';
import type { ProbeOutcome } from '../src/probe/types.js';
import { importFromRegistry, importYaml } from '../src/registry/import.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { ok } from '../test/engine/helpers.js';
import { startRegistry, type Listed } from '../test/registry/registry-server.js';
import { FakeClock } from '../test/scheduler/fake-clock.js';
import { printTable, type BenchFigure } from './figure.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 20_000);
const T0 = Date.UTC(2026, 11, 7, 0, 0, 0);
const round = (v: number, d = 0): number => Math.round(v * 10 ** d) / 10 ** d;
const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Wall and CPU time of `fn`: on a shared machine the CPU time is the figure that compares. */
async function measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}
const timing = (m: { wallMs: number; cpuMs: number }): string => `ms CPU (${round(m.wallMs)} ms wall)`;

const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

function entries(n: number): Listed[] {
  const out: Listed[] = [];
  for (let i = 0; i < n; i++) {
    const name = `io.github.user${i % 997}/server-${i}`;
    const kind = i % 100;
    if (kind < 3)
      out.push({
        name,
        packages: [
          { registryType: 'npm', identifier: `@u/s${i}`, version: '1.0.0', transport: { type: 'stdio' } },
        ],
      });
    else if (kind < 5)
      out.push({
        name,
        remotes: [{ type: 'streamable-http', url: `https://{tenant}.s${i}.example.com/mcp` }],
      });
    else if (kind < 15) out.push({ name, remotes: [{ type: 'sse', url: `https://s${i}.example.com/sse` }] });
    else
      out.push({
        name,
        status: kind === 99 ? 'deprecated' : 'active',
        remotes: [{ type: 'streamable-http', url: `https://s${i}.example.com/mcp` }],
      });
  }
  // In name order, as a registry lists them (the loopback registry then sorts in linear time).
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const figures: BenchFigure[] = [];
const reg = await startRegistry(entries(ENTRIES), { pageSize: 100 });
try {
  // ---- import ----
  const heap0 = heap();
  const imported = await measure(() => importFromRegistry(reg.url, { pageSize: 100 }));
  const result = imported.value;
  const importHeap = heap() - heap0;
  const written = await measure(() =>
    importYaml(result, { registry: reg.url, at: new Date(T0).toISOString() }),
  );
  const yaml = written.value;
  figures.push(
    {
      name: `import: ${ENTRIES} entries, ${result.pages} pages read + planned (registry in-process)`,
      value: round(imported.cpuMs),
      unit: timing(imported),
      target: '< 10000',
    },
    {
      name: 'import: servers planned / need configuration',
      value: result.plan.servers.length,
      unit: `/ ${result.plan.needsConfig.length}`,
    },
    {
      name: `import: YAML written (${mib(yaml.length)} MiB)`,
      value: round(written.cpuMs),
      unit: timing(written),
    },
    { name: 'import: heap held by the plan', value: mib(importHeap), unit: 'MiB' },
  );

  // ---- sync into a running monitor ----
  const store = openSqliteStore(':memory:');
  const clock = new FakeClock(T0);
  const log = pino({ level: 'silent' });
  const starts: number[] = [];
  const probe = async (): Promise<ProbeOutcome> => {
    starts.push(clock.now());
    return { result: { ...ok(), startedAt: new Date(clock.now()).toISOString() } };
  };
  const { config } = parseConfig(`
defaults: { interval: 60s }
scheduler: { concurrency: 1000 }
sources: [{ name: bench, registry: ${reg.url} }]
`);
  const withSrc = await withSources(config!, { store, log, clock });
  const monitor = new Monitor({ config: withSrc.config, store, log, clock, probe, tickMs: 3_600_000 });
  await monitor.start();
  const target = monitorTarget(monitor);
  const heap1 = heap();
  const rss1 = process.memoryUsage().rss;
  const full = await measure(() => withSrc.runner!.runNow('bench', target));
  const first = full.value;
  if (!first.ok) throw first.error;
  const syncHeap = heap() - heap1;
  figures.push(
    {
      name: `sync: first (full) sync, ${first.added.length} servers added`,
      value: round(full.cpuMs),
      unit: timing(full),
      target: '< 10000',
    },
    { name: 'sync: heap of the source state + monitored servers', value: mib(syncHeap), unit: 'MiB' },
    {
      name: 'sync: the source state as saved in the store (entries + names)',
      value: mib((await store.getMeta('source:bench'))?.length ?? 0),
      unit: 'MiB',
    },
    { name: 'sync: per server', value: round(syncHeap / first.added.length / 1024, 1), unit: 'KiB' },
  );

  // 200 changes: 100 deleted, 50 deprecated, 50 new.
  const later = '2026-01-01T00:00:00Z';
  for (let i = 15; i < 15 + 150 * 7; i += 7) {
    const e = reg.entries[i]!;
    e.updatedAt = later;
    e.status = i < 15 + 100 * 7 ? 'deleted' : 'deprecated';
  }
  for (let i = 0; i < 50; i++)
    reg.entries.push({
      name: `io.github.new/server-${i}`,
      updatedAt: later,
      remotes: [{ type: 'streamable-http', url: `https://new${i}.example.com/mcp` }],
    });
  const incremental = await measure(() => withSrc.runner!.runNow('bench', target));
  const inc = incremental.value;
  if (!inc.ok) throw inc.error;
  figures.push({
    name: `sync: incremental, ${inc.read} changed entries (+${inc.added.length} −${inc.removed.length} ~${inc.changed.length})`,
    value: round(incremental.cpuMs),
    unit: timing(incremental),
  });

  // ---- the spread of the first probes ----
  const from = clock.now();
  for (let s = 0; s < 60; s++) await clock.advance(1_000);
  const perSecond = new Map<number, number>();
  for (const at of starts)
    if (at >= from)
      perSecond.set(Math.floor((at - from) / 1000), (perSecond.get(Math.floor((at - from) / 1000)) ?? 0) + 1);
  const busiest = Math.max(...perSecond.values());
  const probed = [...perSecond.values()].reduce((a, b) => a + b, 0);
  figures.push(
    {
      name: `spread: probes in the first 60 s (${monitor.servers().length} servers)`,
      value: probed,
      unit: 'probes',
    },
    {
      name: 'spread: busiest second / mean',
      value: busiest,
      unit: `/ ${round(probed / 60)}`,
      target: '≤ 1.1 × mean',
    },
    { name: 'peak RSS', value: mib(Math.max(rss1, process.memoryUsage().rss)), unit: 'MiB' },
  );
  await monitor.stop();
  await store.close();
} finally {
  await reg.close();
}
printTable(`MCP Registry import and sync (${ENTRIES} entries)`, figures);
