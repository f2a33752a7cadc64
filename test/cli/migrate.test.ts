/**
 * `mcpwatch migrate`: a SQLite store filled through the Store API (results over days and regions,
 * failures, old rollup-only history, tool surfaces, incidents with timelines, warnings, the outbox,
 * engine state, settings and tokens) is copied into a fresh PostgreSQL schema and back into a fresh
 * SQLite file; everything the API reads is the same on all three. Also: a non-empty target needs
 * --force, bad arguments and unreachable stores exit 2, a copy that loses a row fails verification.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Incident, Warning } from '../../src/engine/types.js';
import { storeCopy, type StoreCopy } from '../../src/store/copy.js';
import { copyStore } from '../../src/store/migrate-store.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { GRANULARITIES } from '../../src/store/rollup.js';
import type { OutboxMessage, Rollup, Store } from '../../src/store/store.js';
import { createPgSchema, pgSkip, type PgSchema } from '../fixtures/pg.js';
import { stored } from '../store/sample.js';
import { main } from '../../src/cli/main.js';
import { mcpwatch } from './process.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const FAR = T0 + 400 * DAY;
const SERVERS = ['alpha', 'beta'];

function incident(id: string, server: string, at: number, resolved: boolean): Incident {
  return {
    id,
    server,
    severity: 'P1',
    status: resolved ? 'resolved' : 'investigating',
    trigger: 'consecutive_failures',
    layer: 'http',
    code: 'http_5xx',
    openedAt: at,
    acknowledgedAt: at + 60_000,
    acknowledgedBy: 'ana',
    resolvedAt: resolved ? at + 600_000 : null,
    timeline: [
      { at, kind: 'opened', message: 'P1: 3 consecutive failures at http (http_5xx)' },
      { at: at + 1_000, kind: 'notified', message: 'paged hook' },
      { at: at + 60_000, kind: 'acknowledged', message: 'acknowledged by ana' },
      ...(resolved ? [{ at: at + 600_000, kind: 'resolved', message: 'recovered' }] : []),
    ],
  } as unknown as Incident;
}

function message(key: string, at: number, incidentId: string | null): OutboxMessage {
  return {
    key,
    channel: 'hook',
    incidentId,
    payload: { type: 'incident.triggered', data: { incidentId, server: 'alpha' } },
    createdAt: at,
    notBefore: at,
    attempts: 0,
    status: 'pending',
    lastError: null,
  };
}

/** A store as a running monitor leaves it, written through the Store API. */
async function fill(store: Store & { importRollups(r: readonly Rollup[]): Promise<void> }): Promise<void> {
  for (const server of SERVERS)
    for (const region of ['eu', 'us']) {
      const rows = [];
      for (let i = 0; i < 400; i++) {
        const at = T0 + i * 5 * 60_000 + (region === 'us' ? 7_000 : 0);
        const fail = i % 37 === 0 ? ('http' as const) : i % 53 === 0 ? ('tools_list' as const) : undefined;
        rows.push(
          stored(server, region, at, {
            failLayer: fail,
            code: fail === 'http' ? 'status_5xx' : fail ? 'timeout' : undefined,
            durationMs: 80 + (i % 17) * 9,
          }),
        );
      }
      for (let k = 0; k < rows.length; k += 150) await store.writeResults(rows.slice(k, k + 150));
    }
  // History older than the raw rows: day rollups only, as retention leaves them.
  const old = await store.rollups('alpha', 'day', T0, T0 + DAY, 'eu');
  await store.importRollups(
    Array.from({ length: 30 }, (_, d) => ({ ...old[0]!, bucket: T0 - (100 - d) * DAY })),
  );
  await store.saveToolSurface(
    'alpha',
    'fp-1',
    '1.0.0',
    [{ name: 'search', inputSchema: { type: 'object' } }],
    T0,
  );
  await store.saveToolSurface(
    'alpha',
    'fp-2',
    '1.1.0',
    [
      { name: 'search', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
      { name: 'fetch', inputSchema: { type: 'object' } },
    ],
    T0 + DAY,
  );
  await store.saveToolSurface('beta', 'fp-b', null, [{ name: 'ping', inputSchema: { type: 'object' } }], T0);
  const warning: Warning = {
    id: 'w-1',
    server: 'beta',
    rule: 'latency_trend',
    message: 'p95 trending up over 48 h',
    openedAt: T0 + 3_600_000,
    clearedAt: null,
  } as Warning;
  await store.writeJudgement({
    incidents: [incident('inc-1', 'alpha', T0 + 1_000, true), incident('inc-2', 'beta', T0 + 2 * DAY, false)],
    warnings: [warning, { ...warning, id: 'w-0', clearedAt: T0 + 7_200_000, openedAt: T0 }],
    outbox: [
      message('inc-1:opened:hook', T0 + 1_000, 'inc-1'),
      message('inc-2:opened:hook', T0 + 2 * DAY, 'inc-2'),
      message('digest:2026-03-02', T0 + DAY, null),
    ],
    engineState: SERVERS.map((server) => ({
      server,
      state: `{"server":"${server}","v":3}`,
      at: T0 + 3 * DAY,
    })),
  });
  const [first] = await store.dueOutbox(FAR, 1);
  await store.updateOutbox(first!.id!, { status: 'sent', attempts: 2, lastError: 'HTTP 503 then ok' });
  await store.setMeta('ack-secret', 'c2VjcmV0');
  await store.setMeta('token:abc', JSON.stringify({ name: 'admin', scope: 'admin', hash: 'x' }));
  await store.setMeta('server:gamma', JSON.stringify({ name: 'gamma', url: 'https://x.example/mcp' }));
}

/** Everything the API can read from a store, in a form two stores can be compared by. */
async function snapshot(store: Store): Promise<unknown> {
  const results = [];
  for (let before: number | undefined; ;) {
    const page = await store.listResults({ before, limit: 333 });
    if (page.length === 0) break;
    results.push(...page);
    before = page.at(-1)!.id;
  }
  const perServer: Record<string, unknown> = {};
  for (const s of SERVERS) {
    const surfaces = await store.listToolSurfaces(s);
    perServer[s] = {
      rollups: await Promise.all(GRANULARITIES.map((g) => store.rollupsByRegion(s, g, T0 - 200 * DAY, FAR))),
      merged: await store.rollups(s, 'hour', T0, FAR),
      bars: await store.dailyAvailability(s, 120, T0 + 5 * DAY),
      p: await store.latencyQuantiles(s, T0, FAR, [0.5, 0.95, 0.99]),
      pUs: await store.latencyQuantiles(s, T0, FAR, [0.5], { region: 'us', layer: 'http' }),
      failed: await store.listResults({ server: s, onlyFailed: true, limit: 1_000 }),
      surfaces,
      tools: await Promise.all(surfaces.map((x) => store.getToolSurface(x.id))),
    };
  }
  return {
    results,
    perServer,
    incidents: await store.listIncidents({ limit: 100 }),
    open: await store.listIncidents({ open: true }),
    incident: await store.getIncident('inc-1'),
    warnings: await store.listWarnings({ limit: 100 }),
    active: await store.listWarnings({ active: true }),
    engine: await store.loadEngineStates(),
    due: await store.dueOutbox(FAR, 100),
    keys: [...(await store.existingOutboxKeys(['inc-1:opened:hook', 'digest:2026-03-02', 'nope']))].sort(),
    meta: (await store.listMeta('')).filter((m) => m.key !== 'store.health'),
  };
}

describe('mcpwatch migrate', pgSkip(), () => {
  let dir: string;
  let file: string;
  let expected: unknown;
  const schemas: PgSchema[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-migrate-'));
    file = join(dir, 'source.db');
    const source = openSqliteStore(file);
    await fill(source);
    expected = await snapshot(source);
    await source.close();
  });
  after(async () => {
    await Promise.all(schemas.map((s) => s.drop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const schema = async () => {
    const s = await createPgSchema();
    schemas.push(s);
    return s;
  };

  it('SQLite → PostgreSQL → SQLite: counts printed and verified, the API reads the same from all three', async () => {
    const pg = await schema();
    const run = await mcpwatch([
      'migrate',
      '--from',
      `sqlite:${file}`,
      '--to',
      `postgres:${pg.url}`,
      '--batch',
      '250',
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const table = run.stdout.split('\n');
    assert.match(table[0]!, /^table\s+source\s+copied\s+target\s+checksum\s+verified$/);
    const counts = Object.fromEntries(
      table.slice(1, 9).map((l) => {
        const [t, s, c, g, sum, ok] = l.split(/\s+/);
        assert.deepEqual([s, sum, ok], [c, 'match', 'ok'], l);
        assert.equal(c, g, l);
        return [t, Number(c)];
      }),
    );
    assert.deepEqual(counts, {
      meta: 3,
      tool_surfaces: 3,
      engine_state: 2,
      incidents: 2,
      warnings: 2,
      outbox: 3,
      rollups: counts.rollups,
      results: 1_600,
    });
    assert.ok(counts.rollups! > 1_600, `${counts.rollups} rollup rows`);
    assert.match(run.stdout, /verified: \d+ rows in 8 tables, counts and checksums match/);
    assert.match(run.stderr, /copying sqlite:.* → postgres:postgres:\/\/.* in batches of 250 rows/);

    const target = await openPostgresStore(pg.url);
    try {
      assert.deepEqual(await snapshot(target), expected);
    } finally {
      await target.close();
    }

    const back = join(dir, 'back.db');
    const reverse = await mcpwatch([
      'migrate',
      '--from',
      `postgres:${pg.url}`,
      '--to',
      `sqlite:${back}`,
      '--json',
    ]);
    assert.equal(reverse.code, 0, reverse.stdout + reverse.stderr);
    const report = JSON.parse(reverse.stdout) as { ok: boolean; tables: { table: string; copied: number }[] };
    assert.equal(report.ok, true);
    assert.equal(report.tables.find((t) => t.table === 'results')?.copied, 1_600);
    const copy = openSqliteStore(back);
    try {
      assert.deepEqual(await snapshot(copy), expected);
    } finally {
      await copy.close();
    }

    const moved = await openPostgresStore(pg.url);
    try {
      // New rows continue after the copied ids.
      const maxId = (await moved.listResults({ limit: 1 }))[0]!.id!;
      await moved.writeResults([stored('alpha', 'eu', FAR - DAY)]);
      assert.equal((await moved.listResults({ limit: 1 }))[0]!.id, maxId + 1);
      await moved.writeJudgement({ outbox: [message('after-the-move', FAR, null)] });
      const ids = (await moved.dueOutbox(FAR, 10)).map((m) => m.id!);
      assert.equal(Math.max(...ids), 4);
    } finally {
      await moved.close();
    }
  });

  it('a target that holds data: exit 2 naming what it holds; --force empties it and copies', async () => {
    const target = join(dir, 'full.db');
    const t = openSqliteStore(target);
    await t.setMeta('something', 'here');
    await t.close();
    const refused = await mcpwatch(['migrate', '--from', `sqlite:${file}`, '--to', `sqlite:${target}`]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--to sqlite:.*full\.db is not empty \(meta 1\); .* add --force/);
    const forced = await mcpwatch([
      'migrate',
      '--from',
      `sqlite:${file}`,
      '--to',
      `sqlite:${target}`,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /emptying sqlite:.*full\.db first \(--force\): meta 1/);
    const copy = openSqliteStore(target);
    try {
      assert.deepEqual(await snapshot(copy), expected);
      assert.equal(await copy.getMeta('something'), null);
    } finally {
      await copy.close();
    }
  });

  it('bad arguments and unreachable stores: exit 2 with the reason', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', 'mysql://x', '--to', `sqlite:${dir}/x.db`], /--from takes sqlite:PATH or postgres:/],
      [['--from', `sqlite:${file}`, '--to', `sqlite:${file}`], /name the same store/],
      [['--from', `sqlite:${dir}/missing.db`, '--to', `sqlite:${dir}/y.db`], /no SQLite file at/],
      [
        ['--from', `sqlite:${file}`, '--to', 'postgres:postgres://u:pw@127.0.0.1:1/none'],
        /--to: cannot open the PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none/,
      ],
      [['--from', `sqlite:${file}`, '--to', `sqlite:${dir}/z.db`, '--batch', '0'], /--batch takes/],
    ];
    for (const [args, want] of cases) {
      // In process (the same entry as bin.ts), so five cases do not start five processes.
      let stderr = '';
      const io = { out: () => {}, err: (t: string) => void (stderr += `${t}\n`), tty: false };
      const code = await main(['node', 'mcpwatch', 'migrate', ...args], io);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, want);
      assert.doesNotMatch(stderr, /:pw@/);
    }
  });

  it('a copy that loses a row or changes one fails verification for that table only', async () => {
    const source = openSqliteStore(file);
    for (const tamper of ['drop', 'change'] as const) {
      const target = openSqliteStore(':memory:');
      const real = storeCopy(target);
      const lossy: StoreCopy = {
        ...real,
        writeRows: (t, rows) =>
          t !== 'incidents'
            ? real.writeRows(t, rows)
            : real.writeRows(
                t,
                tamper === 'drop' ? rows.slice(1) : rows.map((r, i) => (i ? r : { ...r, severity: 'P3' })),
              ),
      };
      try {
        const reports = await copyStore(storeCopy(source), lossy, { batch: 100 });
        assert.deepEqual(
          reports.filter((r) => !r.ok).map((r) => r.table),
          ['incidents'],
          tamper,
        );
        const r = reports.find((x) => x.table === 'incidents')!;
        if (tamper === 'drop') assert.deepEqual([r.source, r.copied, r.target], [2, 2, 1]);
        else {
          assert.deepEqual([r.source, r.copied, r.target], [2, 2, 2]);
          assert.notEqual(r.sourceChecksum, r.targetChecksum);
        }
      } finally {
        await target.close();
      }
    }
    await source.close();
  });
});
