/**
 * Store benchmark (SQLite file in a temp folder):
 * - write: rows/s through writeResults (batches of 500 realistic ProbeResults, 100 servers x 2 regions,
 *   5% failures), raw rows and their minute/hour/day rollups in the same transaction;
 * - read: one server's 90 daily bars and its 7-day p95 on a DB holding 100 servers x 90 days of hour and
 *   day rollups (216,000 + 9,000 rows). Those rollups are seeded through importRollups in one transaction
 *   (synthetic histograms of ~12 buckets), not through writeResults; minute rollups are not seeded since
 *   neither read touches them.
 * - size: bytes on disk per healthy probe over 30 simulated days at 60 s, compact beside the v1 full-JSON
 *   format, on SQLite and (with MCPWATCH_TEST_PG_URL) PostgreSQL: see store-size.ts.
 * Run directly: node --import tsx bench/store.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/index.js';
import type { Granularity, Rollup, StoredResult } from '../src/store/store.js';
import { record, type Histogram } from '../src/util/histogram.js';
import { stored } from '../test/store/sample.js';
import { printTable, type BenchFigure } from './figure.js';
import { benchStoreSize, printSizeTable } from './store-size.js';

const SERVERS = 100;
const DAYS = 90;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const BATCH = 500;
const WRITE_ROWS = 100_000;
const READ_RUNS = 200;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const name = (i: number) => `server-${String(i).padStart(3, '0')}`;

function writeBatches(start: number): StoredResult[][] {
  const rnd = random(1);
  const batches: StoredResult[][] = [];
  let batch: StoredResult[] = [];
  for (let n = 0; n < WRITE_ROWS; n++) {
    const round = Math.floor(n / (SERVERS * 2));
    const at = start + round * 60_000 + (n % SERVERS) * 600;
    const fail = rnd() < 0.05;
    // Timings in hundredths of a ms, as the prober rounds them.
    const ms = Math.round((40 + rnd() * 200) * 100) / 100;
    const part = (k: number) => Math.round(ms * k * 100) / 100;
    batch.push(
      stored(name(n % SERVERS), n % 2 ? 'us' : 'eu', at, {
        durationMs: ms,
        layerMs: { transport: part(0.2), http: part(0.3), initialize: part(0.3), tools_list: part(0.2) },
        ...(fail ? { failLayer: 'http' as const, code: 'status_5xx' as const } : {}),
      }),
    );
    if (batch.length === BATCH) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length) batches.push(batch);
  return batches;
}

async function benchWrites(dir: string, start: number): Promise<BenchFigure[]> {
  const path = join(dir, 'write.db');
  const store = openSqliteStore(path);
  const batches = writeBatches(start);
  const t0 = performance.now();
  for (const b of batches) await store.writeResults(b);
  const seconds = (performance.now() - t0) / 1_000;
  await store.close();
  return [
    {
      name: `writeResults, batches of ${BATCH} (${WRITE_ROWS} rows)`,
      value: Math.round(WRITE_ROWS / seconds),
      unit: 'rows/s',
    },
    { name: 'write DB size after writes', value: Math.round(statSync(path).size / 1_048_576), unit: 'MiB' },
  ];
}

function syntheticHistogram(rnd: () => number, samples: number, base: number): Histogram {
  const h: Histogram = {};
  for (let i = 0; i < 12; i++) record(h, base * (1 + rnd() * 3), Math.max(1, Math.round(samples / 12)));
  return h;
}

/** Seeds hour and day rollups for SERVERS x DAYS; returns the rows written. */
async function seedRollups(store: SqliteStore, end: number): Promise<number> {
  const rnd = random(2);
  const layers = (samples: number) => ({
    transport: syntheticHistogram(rnd, samples, 10),
    http: syntheticHistogram(rnd, samples, 20),
    initialize: syntheticHistogram(rnd, samples, 20),
    tools_list: syntheticHistogram(rnd, samples, 15),
    tool_call: {},
  });
  const rollup = (
    server: string,
    granularity: Granularity,
    bucket: number,
    total: number,
    failed: number,
  ): Rollup => ({
    server,
    region: 'eu',
    granularity,
    bucket,
    total,
    failed,
    failedByLayer: { transport: 0, http: failed, initialize: 0, tools_list: 0, tool_call: 0 },
    latency: syntheticHistogram(rnd, total, 80),
    layerLatency: layers(total),
  });
  const first = end - DAYS * DAY;
  const rows: Rollup[] = [];
  for (let s = 0; s < SERVERS; s++) {
    for (let d = 0; d < DAYS; d++) {
      const day = first + d * DAY;
      rows.push(rollup(name(s), 'day', day, 1_440, Math.floor(rnd() * 10)));
      for (let h = 0; h < 24; h++)
        rows.push(rollup(name(s), 'hour', day + h * HOUR, 60, rnd() < 0.1 ? 1 : 0));
    }
  }
  await store.importRollups(rows);
  return rows.length;
}

async function medianMs(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < READ_RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 1_000) / 1_000;
}

async function benchReads(dir: string, now: number): Promise<BenchFigure[]> {
  const store = openSqliteStore(join(dir, 'read.db'));
  const t0 = performance.now();
  const rows = await seedRollups(store, now - (now % DAY) + DAY);
  const seedSeconds = (performance.now() - t0) / 1_000;
  const server = name(42);
  const bars = await store.dailyAvailability(server, DAYS, now);
  const p95 = await store.latencyQuantiles(server, now - 7 * DAY, now, [0.95]);
  if (bars.length !== DAYS || bars.some((b) => b.total === 0) || p95.samples < 7 * 24 * 60) {
    throw new Error('the seeded rollups were not read back as expected');
  }
  const figures: BenchFigure[] = [
    {
      name: `seed ${rows} hour+day rollups (importRollups)`,
      value: Math.round(rows / seedSeconds),
      unit: 'rows/s',
    },
    {
      name: `dailyAvailability: ${DAYS} daily bars, 1 of ${SERVERS} servers (median)`,
      value: await medianMs(() => store.dailyAvailability(server, DAYS, now)),
      unit: 'ms',
    },
    {
      name: '7-day p95 from 168 hour rollups (median)',
      value: await medianMs(() => store.latencyQuantiles(server, now - 7 * DAY, now, [0.95])),
      unit: 'ms',
    },
    {
      name: '30-day p50/p95/p99 from 720 hour rollups (median)',
      value: await medianMs(() => store.latencyQuantiles(server, now - 30 * DAY, now, [0.5, 0.95, 0.99])),
      unit: 'ms',
    },
  ];
  await store.close();
  return figures;
}

export async function benchStore(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-store-'));
  try {
    const now = Date.UTC(2025, 5, 30, 15, 30);
    return [...(await benchWrites(dir, now - 30 * DAY)), ...(await benchReads(dir, now))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable('store benchmark', await benchStore());
  console.log('');
  printSizeTable(await benchStoreSize());
}
