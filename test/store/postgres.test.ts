/** The store contract on PostgreSQL (one fresh schema per test), plus what only PostgreSQL promises. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { openStore, StoreUnavailableError } from '../../src/store/open.js';
import type { V1Rollup } from '../../src/store/v1-rollup.js';
import { createPgSchema, pgSchemaExists, pgSkip, type PgSchema } from '../fixtures/pg.js';
import { storeContract } from './contract.js';
import { assertReadsAsV1, v1Rows, type V1Result } from './migration-v1.js';
import { stored, withToolCall } from './sample.js';
import { createV1Postgres, writeV1Postgres } from './v1-format.js';

const schemas: PgSchema[] = [];
after(() => Promise.all(schemas.map((s) => s.drop())));
async function fresh(): Promise<PgSchema> {
  const s = await createPgSchema();
  schemas.push(s);
  return s;
}

const T0 = Date.UTC(2025, 5, 1, 12);

if (pgSkip().skip) describe('Store contract: postgres', pgSkip(), () => {});
else storeContract('postgres', async () => openPostgresStore((await fresh()).url));

describe('PostgreSQL store', pgSkip(), () => {
  it('migrates a fresh schema once, records it there, and two stores migrating at once agree', async () => {
    const s = await fresh();
    const [a, b] = await Promise.all([openPostgresStore(s.url), openPostgresStore(s.url)]);
    try {
      const v = await a.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1');
      assert.deepEqual(
        v.rows.map((r) => r.version),
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
      const where = await a.pool.query<{ s: string }>("SELECT to_regclass('results')::text AS s");
      assert.equal(where.rows[0]!.s, 'results');
      const ns = await a.pool.query<{ n: string }>(
        "SELECT n.nspname AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'rollups' AND n.nspname = $1",
        [s.name],
      );
      assert.equal(ns.rowCount, 1, 'tables live in the test schema, not public');
      await a.writeResults([stored('alpha', 'eu', T0)]);
      assert.equal((await b.listResults({})).length, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('counts every probe when writers add to the same rollup rows concurrently', async () => {
    const s = await fresh();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(s.url)));
    try {
      await Promise.all(
        stores.flatMap((st, k) =>
          Array.from({ length: 5 }, (_, i) =>
            st.writeResults([stored('alpha', 'eu', T0 + k * 100 + i), stored('alpha', 'us', T0 + i)]),
          ),
        ),
      );
      const [day] = await stores[0]!.rollups('alpha', 'day', T0, T0 + 1);
      assert.equal(day!.total, 30);
      const q = await stores[0]!.latencyQuantiles('alpha', T0, T0 + 1, [0.5]);
      assert.equal(q.samples, 30);
    } finally {
      await Promise.all(stores.map((st) => st.close()));
    }
  });

  it('keeps everything across close and reopen', async () => {
    const s = await fresh();
    const first = await openPostgresStore(s.url);
    await first.writeResults([stored('alpha', 'eu', T0, { durationMs: 150 })]);
    await first.setMeta('k', 'v');
    await first.close();
    const second = await openStore({ postgres: s.url });
    try {
      assert.equal(second.kind, 'postgres');
      assert.equal((await second.listResults({})).length, 1);
      assert.equal(await second.getMeta('k'), 'v');
    } finally {
      await second.close();
    }
  });

  it('refuses a schema written by a newer mcpwatch', async () => {
    const s = await fresh();
    const store = await openPostgresStore(s.url);
    await store.pool.query(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
    );
    await store.close();
    await assert.rejects(openPostgresStore(s.url), /newer/);
    await assert.rejects(openStore({ postgres: s.url }, { readOnly: true }), /newer/);
  });

  it('reports unreachable PostgreSQL quickly as StoreUnavailableError, without the password', async () => {
    const started = Date.now();
    const err = await openStore({ postgres: 'postgres://mcpwatch:s3cret@127.0.0.1:1/none' }).then(
      () => assert.fail('opened'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StoreUnavailableError);
    assert.match(
      err.message,
      /cannot open the PostgreSQL store at postgres:\/\/mcpwatch:\*\*\*@127\.0\.0\.1:1\/none: /,
    );
    assert.match(err.message, /ECONNREFUSED/);
    assert.doesNotMatch(err.message, /s3cret/);
    assert.ok(Date.now() - started < 6_000);
  });

  it('gives every test schema a unique name and drops it', async () => {
    const a = await createPgSchema();
    const b = await createPgSchema();
    assert.notEqual(a.name, b.name);
    assert.ok(await pgSchemaExists(a.name));
    await a.drop();
    await b.drop();
    assert.equal(await pgSchemaExists(a.name), false);
    assert.equal(await pgSchemaExists(b.name), false);
  });
});

describe('PostgreSQL compact results', pgSkip(), () => {
  it('keeps healthy probes of a server as one template and a few bytes each', async () => {
    const store = await openPostgresStore((await fresh()).url);
    try {
      const rows = Array.from({ length: 200 }, (_, i) =>
        withToolCall(stored('alpha', 'eu', T0 + i * 60_000, { durationMs: 100 + i / 100 }), i),
      );
      await store.writeResults(rows);
      const q = async (sql: string) => Number((await store.pool.query<{ n: string }>(sql)).rows[0]!.n);
      assert.equal(await q('SELECT count(*) AS n FROM result_templates'), 1);
      const longest = await q('SELECT max(length(t)) AS n FROM results');
      assert.ok(longest > 10 && longest <= 30, `values of ${longest} bytes`);
      assert.equal(await q('SELECT count(*) AS n FROM names'), 2);
      await store.writeResults([stored('alpha', 'eu', T0, { failLayer: 'http', code: 'status_5xx' })]);
      assert.equal(await q('SELECT count(*) AS n FROM result_templates'), 2);
    } finally {
      await store.close();
    }
  });

  it('converts a v1 schema: every result, rollup and id reads as before, and ids continue after the last one', async () => {
    const s = await fresh();
    const pool = new pg.Pool({ connectionString: s.url, max: 1 });
    let results: V1Result[];
    let rollups: V1Rollup[];
    let newest: number;
    try {
      await createV1Postgres(pool);
      await writeV1Postgres(pool, v1Rows());
      newest = Number((await pool.query<{ n: string }>('SELECT max(id) AS n FROM results')).rows[0]!.n);
      await pool.query('DELETE FROM results WHERE id = $1', [newest]);
      results = (
        await pool.query<V1Result>(
          'SELECT id::float8 AS id, server, region, at::float8 AS at, ok, result FROM results',
        )
      ).rows;
      rollups = (
        await pool.query<V1Rollup>(
          `SELECT server, granularity, bucket::float8 AS bucket, region, total::float8 AS total, failed::float8 AS failed,
            failed_transport::float8 AS failed_transport, failed_http::float8 AS failed_http,
            failed_initialize::float8 AS failed_initialize, failed_tools_list::float8 AS failed_tools_list,
            latency, layer_latency FROM rollups`,
        )
      ).rows;
    } finally {
      await pool.end();
    }
    const store = await openPostgresStore(s.url);
    try {
      const v = await store.pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY 1',
      );
      assert.deepEqual(
        v.rows.map((r) => r.version),
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
      const left = await store.pool.query(
        "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%_v1'",
        [s.name],
      );
      assert.equal(left.rowCount, 0);
      await assertReadsAsV1(store, results, rollups);
      await store.writeResults([stored('alpha', 'eu', T0)]);
      const [latest] = await store.listResults({ limit: 1 });
      assert.equal(latest!.id, newest + 1);
    } finally {
      await store.close();
    }
  });
});
