/** The store contract on SQLite (memory and file), plus what only SQLite promises: WAL readers, reopen. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { quantile, record } from '../../src/util/histogram.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations.js';
import type { V1Rollup } from '../../src/store/v1-rollup.js';
import { storeContract } from './contract.js';
import { assertReadsAsV1, v1Rows, type V1Result } from './migration-v1.js';
import { stored, withToolCall } from './sample.js';
import { createV1Sqlite, writeV1Sqlite } from './v1-format.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(dir, `nested/${++files}`, 'mcpwatch.db');

storeContract('sqlite :memory:', async () => openSqliteStore(':memory:'));
storeContract('sqlite file', async () => openSqliteStore(freshFile()));

const T0 = Date.UTC(2025, 5, 1, 12);

describe('SQLite store', () => {
  it('creates the parent folder and uses WAL with synchronous=NORMAL', async () => {
    const path = freshFile();
    const store = openSqliteStore(path);
    try {
      assert.ok(existsSync(path));
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('synchronous', { simple: true }), 1);
      assert.ok(Number(store.db.pragma('busy_timeout', { simple: true })) >= 1_000);
      const versions = store.db.prepare('SELECT version FROM schema_migrations').pluck().all();
      assert.deepEqual(
        versions,
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    } finally {
      await store.close();
    }
  });

  it('lets a second connection read what the first wrote while it stays open', async () => {
    const path = freshFile();
    const writer = openSqliteStore(path);
    const reader = openSqliteStore(path);
    try {
      await writer.writeResults([
        stored('alpha', 'eu', T0),
        stored('alpha', 'eu', T0 + 1_000, { failLayer: 'http' }),
      ]);
      await writer.writeJudgement({ engineState: [{ server: 'alpha', state: 's1', at: T0 }] });
      assert.equal((await reader.listResults({ server: 'alpha' })).length, 2);
      assert.deepEqual(
        (await reader.dailyAvailability('alpha', 1, T0)).map((b) => [b.total, b.failed]),
        [[2, 1]],
      );
      // A read transaction in progress on the reader does not block the writer.
      reader.db.exec('BEGIN');
      assert.equal(reader.db.prepare('SELECT count(*) FROM results').pluck().get(), 2);
      await writer.writeResults([stored('alpha', 'eu', T0 + 2_000)]);
      assert.equal(reader.db.prepare('SELECT count(*) FROM results').pluck().get(), 2, 'snapshot isolation');
      reader.db.exec('COMMIT');
      assert.equal((await reader.listResults({})).length, 3);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('opens and reads a file while another connection holds the write lock', async () => {
    const path = freshFile();
    const writer = openSqliteStore(path);
    try {
      await writer.writeResults([stored('alpha', 'eu', T0)]);
      writer.db.exec('BEGIN IMMEDIATE');
      writer.db.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('pending', 'x', 0)").run();
      const started = Date.now();
      const reader = openSqliteStore(path);
      assert.equal((await reader.listResults({})).length, 1);
      assert.equal(await reader.getMeta('pending'), null, 'uncommitted writes are invisible');
      assert.ok(Date.now() - started < 1_000, 'the reader did not wait for the lock');
      writer.db.exec('COMMIT');
      assert.equal(await reader.getMeta('pending'), 'x');
      await reader.close();
    } finally {
      if (writer.db.inTransaction) writer.db.exec('ROLLBACK');
      await writer.close();
    }
  });

  it('lets another process read the file while this one holds it open', async () => {
    const path = freshFile();
    const writer = openSqliteStore(path);
    try {
      await writer.writeResults([stored('alpha', 'eu', T0), stored('beta', 'eu', T0)]);
      const script =
        "const D = require('better-sqlite3'); const db = new D(process.argv[1], { timeout: 5000 });" +
        "process.stdout.write(String(db.prepare('SELECT count(*) FROM results').pluck().get()));";
      const out = execFileSync(process.execPath, ['-e', script, path], { encoding: 'utf8' });
      assert.equal(out, '2');
      await writer.writeResults([stored('alpha', 'eu', T0 + 1)]);
      assert.equal(execFileSync(process.execPath, ['-e', script, path], { encoding: 'utf8' }), '3');
    } finally {
      await writer.close();
    }
  });

  it('keeps everything across close and reopen, and migrating again changes nothing', async () => {
    const path = freshFile();
    const first = openSqliteStore(path);
    await first.writeResults([stored('alpha', 'eu', T0, { durationMs: 150 })]);
    await first.saveToolSurface('alpha', 'fp', '1.0.0', [{ name: 't', inputSchema: { type: 'object' } }], T0);
    await first.setMeta('k', 'v');
    await first.writeJudgement({
      outbox: [
        {
          key: 'k1',
          channel: 'c',
          incidentId: null,
          payload: { a: 1 },
          createdAt: T0,
          notBefore: T0,
          attempts: 0,
          status: 'pending',
          lastError: null,
        },
      ],
    });
    await first.close();

    const second = openSqliteStore(path);
    try {
      await second.migrate();
      assert.equal((await second.listResults({})).length, 1);
      assert.deepEqual(await second.latencyQuantiles('alpha', T0, T0 + 1, [0.5]), {
        samples: 1,
        values: [quantile(record({}, 150), 0.5)],
      });
      assert.equal((await second.saveToolSurface('alpha', 'fp', '1.0.0', [], T0 + 1)).changed, false);
      assert.equal(await second.getMeta('k'), 'v');
      assert.deepEqual(
        (await second.dueOutbox(T0, 10)).map((m) => m.key),
        ['k1'],
      );
    } finally {
      await second.close();
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const path = freshFile();
    const store = openSqliteStore(path);
    store.db
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(999, 'future', 0);
    await store.close();
    assert.throws(() => openSqliteStore(path), /newer/);
  });
});

describe('SQLite compact results', () => {
  it('keeps healthy probes of a server as one template and a few bytes each', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const rows = Array.from({ length: 200 }, (_, i) => ({
        ...withToolCall(stored('alpha', 'eu', T0 + i * 60_000, { durationMs: 100 + i / 100 }), i),
      }));
      await store.writeResults(rows);
      assert.equal(store.db.prepare('SELECT count(*) FROM result_templates').pluck().get(), 1);
      const longest = store.db.prepare('SELECT max(length(t)) FROM results').pluck().get() as number;
      assert.ok(longest > 10 && longest <= 30, `values of ${longest} bytes`);
      assert.equal(store.db.prepare('SELECT count(*) FROM names').pluck().get(), 2);
      await store.writeResults([stored('alpha', 'eu', T0, { failLayer: 'http', code: 'status_5xx' })]);
      assert.equal(store.db.prepare('SELECT count(*) FROM result_templates').pluck().get(), 2);
    } finally {
      await store.close();
    }
  });

  it('converts a v1 file: every result, rollup and id reads as before, and ids continue after the last one', async () => {
    const path = freshFile();
    const db = createV1Sqlite(path);
    writeV1Sqlite(db, v1Rows());
    const newest = db.prepare('SELECT max(id) FROM results').pluck().get() as number;
    db.prepare('DELETE FROM results WHERE id = ?').run(newest);
    const results = db.prepare('SELECT id, server, region, at, ok, result FROM results').all() as V1Result[];
    const rollups = db.prepare('SELECT * FROM rollups').all() as V1Rollup[];
    db.close();
    const store = openSqliteStore(path);
    try {
      assert.deepEqual(store.db.prepare('SELECT version FROM schema_migrations').pluck().all(), [1, 2]);
      assert.equal(
        store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v1'").pluck().get(),
        0,
      );
      await assertReadsAsV1(store, results, rollups);
      await store.writeResults([stored('alpha', 'eu', T0)]);
      const [latest] = await store.listResults({ limit: 1 });
      assert.equal(latest!.id, newest + 1);
    } finally {
      await store.close();
    }
  });
});
