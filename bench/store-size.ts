/**
 * Bytes on disk per healthy probe, 30 simulated days at 60 s cadence, compact results (schema v3)
 * beside the v1 format that stored every probe as full JSON, on SQLite and PostgreSQL.
 *
 * Workload: SIZE_SERVERS servers x 1 region x 43,200 probes (30 days x 1,440 per day), every probe
 * healthy, with a server-everything-like result (13 tools with annotations, ~4 KB of JSON) whose
 * timings vary per probe (random hundredths of a ms, as the prober rounds them) and whose
 * certificate countdown (tls.daysRemaining) follows the clock. Written through writeResults in
 * batches of 500 in time order, so raw rows, their minute/hour/day rollups and the templates are all
 * counted. The v1 figure writes the same probes in the v1 format for the first V1_DAYS days (its size
 * is linear in the probes: every probe is one JSON row and one minute rollup) and divides likewise.
 *
 * SQLite: page_count x page_size of the file after a WAL checkpoint (every table and index; dbstat
 * gives the split). PostgreSQL: sum of pg_total_relation_size of every table of a fresh test schema
 * after VACUUM (what autovacuum leaves: dead versions of the updated hour/day rows reusable), tables
 * with their indexes and TOAST; skipped with a note when MCPWATCH_TEST_PG_URL is not set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ProbeResult } from '../src/probe/types.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { StoredResult } from '../src/store/store.js';
import { createPgSchema, pgTestUrl } from '../test/fixtures/pg.js';
import { realisticResult } from '../test/store/sample.js';
import { createV1Postgres, createV1Sqlite, writeV1Postgres, writeV1Sqlite } from '../test/store/v1-format.js';

export const SIZE_SERVERS = Number(process.env.BENCH_SIZE_SERVERS ?? 3);
const DAYS = 30;
const V1_DAYS = 3;
const PER_DAY = 1_440;
const BATCH = 500;
const DAY = 86_400_000;
const START = Date.UTC(2025, 5, 1);
const VALID_TO = Date.UTC(2025, 9, 1);

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** The probes of `days` days, in batches, in time order (servers interleaved). */
function* batches(days: number): Generator<StoredResult[]> {
  const rnd = random(7);
  let batch: StoredResult[] = [];
  for (let m = 0; m < days * PER_DAY; m++) {
    for (let s = 0; s < SIZE_SERVERS; s++) {
      const at = START + m * 60_000 + s * 1_000;
      // As the prober reports them: transport = dns + connect + tls, http = ttfb, the whole probe a
      // little more than its layers, the countdown from the probe's own clock.
      const dnsMs = cents(rnd() * 3);
      const connectMs = cents(2 + rnd() * 10);
      const tlsMs = cents(8 + rnd() * 20);
      const ttfbMs = cents(10 + rnd() * 80);
      const layerMs = {
        transport: cents(dnsMs + connectMs + tlsMs),
        http: ttfbMs,
        initialize: cents(10 + rnd() * 80),
        tools_list: cents(10 + rnd() * 60),
      };
      const layersSum = layerMs.transport + layerMs.http + layerMs.initialize + layerMs.tools_list;
      const r = realisticResult(at, { layerMs, durationMs: cents(layersSum + 1 + rnd() * 4) });
      const result: ProbeResult = {
        ...r,
        region: 'eu',
        url: `https://mcp-${s}.example.com/mcp`,
        layers: {
          ...r.layers,
          transport: { ...r.layers.transport, dnsMs, connectMs, tlsMs },
          http: { ...r.layers.http, ttfbMs },
        },
        tls: {
          ...r.tls!,
          validTo: new Date(VALID_TO).toISOString(),
          daysRemaining: cents((VALID_TO - at - 40) / DAY),
        },
      };
      batch.push({ server: `server-${s}`, region: 'eu', at, ok: true, result });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

export interface SizeRow {
  backend: string;
  probes: number;
  compact: number | null;
  v1: number | null;
  /** Bytes per probe by table/index (compact), largest first. */
  split: { name: string; perProbe: number }[];
  seconds: number;
  note?: string;
}

function sqliteBytes(db: import('better-sqlite3').Database): { total: number; split: Map<string, number> } {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const total =
    Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
  const split = new Map<string, number>();
  for (const r of db.prepare('SELECT name, sum(pgsize) AS s FROM dbstat GROUP BY name').all() as {
    name: string;
    s: number;
  }[])
    split.set(r.name, r.s);
  return { total, split };
}

async function sqliteSizes(dir: string): Promise<SizeRow> {
  const t0 = performance.now();
  const store = openSqliteStore(join(dir, 'size-compact.db'));
  let probes = 0;
  for (const b of batches(DAYS)) {
    await store.writeResults(b);
    probes += b.length;
  }
  const compact = sqliteBytes(store.db);
  await store.close();

  const db = createV1Sqlite(join(dir, 'size-v1.db'));
  let v1Probes = 0;
  for (const b of batches(V1_DAYS)) {
    writeV1Sqlite(db, b);
    v1Probes += b.length;
  }
  const v1 = sqliteBytes(db);
  db.close();
  return {
    backend: 'SQLite (file pages, every table and index)',
    probes,
    compact: compact.total / probes,
    v1: v1.total / v1Probes,
    split: [...compact.split].map(([name, s]) => ({ name, perProbe: s / probes })),
    seconds: (performance.now() - t0) / 1_000,
  };
}

async function pgBytes(url: string): Promise<{ total: number; split: Map<string, number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM');
    const r = await client.query<{ name: string; s: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS s FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`,
    );
    const split = new Map(r.rows.map((x) => [x.name, Number(x.s)]));
    return { total: [...split.values()].reduce((a, b) => a + b, 0), split };
  } finally {
    await client.end();
  }
}

async function postgresSizes(): Promise<SizeRow> {
  const backend = 'PostgreSQL (pg_total_relation_size, every table)';
  if (!pgTestUrl())
    return {
      backend,
      probes: 0,
      compact: null,
      v1: null,
      split: [],
      seconds: 0,
      note: 'skipped: MCPWATCH_TEST_PG_URL is not set',
    };
  const t0 = performance.now();
  const schema = await createPgSchema();
  const v1Schema = await createPgSchema();
  try {
    const store = await openPostgresStore(schema.url);
    let probes = 0;
    try {
      for (const b of batches(DAYS)) {
        await store.writeResults(b);
        probes += b.length;
      }
    } finally {
      await store.close();
    }
    const compact = await pgBytes(schema.url);

    const client = new pg.Client({ connectionString: v1Schema.url });
    await client.connect();
    let v1Probes = 0;
    try {
      await createV1Postgres(client);
      for (const b of batches(V1_DAYS)) {
        await writeV1Postgres(client, b);
        v1Probes += b.length;
      }
    } finally {
      await client.end();
    }
    const v1 = await pgBytes(v1Schema.url);
    return {
      backend,
      probes,
      compact: compact.total / probes,
      v1: v1.total / v1Probes,
      split: [...compact.split].map(([name, s]) => ({ name, perProbe: s / probes })),
      seconds: (performance.now() - t0) / 1_000,
    };
  } finally {
    await schema.drop();
    await v1Schema.drop();
  }
}

export async function benchStoreSize(): Promise<SizeRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-size-'));
  try {
    return [await sqliteSizes(dir), await postgresSizes()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number | null, digits = 1) =>
  n === null
    ? '-'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printSizeTable(rows: SizeRow[]): void {
  const title = `bytes per healthy probe, ${DAYS} d at 60 s (${SIZE_SERVERS} servers x ${DAYS * PER_DAY})`;
  const width = Math.max(title.length, ...rows.map((r) => r.backend.length));
  const head = [
    title.padEnd(width),
    'compact'.padStart(9),
    'v1 full JSON'.padStart(13),
    'ratio'.padStart(7),
    'target',
  ];
  const lines = [head.join('  ')];
  for (const r of rows) {
    lines.push(
      [
        r.backend.padEnd(width),
        fmt(r.compact).padStart(9),
        fmt(r.v1).padStart(13),
        (r.compact && r.v1 ? `${fmt(r.v1 / r.compact)}x` : '-').padStart(7),
        '<= 256 (goal 64)',
        r.note ?? '',
      ]
        .join('  ')
        .trimEnd(),
    );
    const split = [...r.split].filter((s) => s.perProbe >= 0.5).sort((a, b) => b.perProbe - a.perProbe);
    if (split.length)
      lines.push(`  ${' '.repeat(2)}split: ${split.map((s) => `${s.name} ${fmt(s.perProbe)}`).join(', ')}`);
  }
  lines.push(
    `  (compact: all ${DAYS} days written; v1: the first ${V1_DAYS} days of the same probes, bytes / probes written)`,
  );
  console.log(lines.join('\n'));
}
