/**
 * Storage failures are visible: a SQLite file deleted (or replaced) under a running monitor, or
 * writes that fail (a full disk: a file-size limit the process really hits), make the store's health
 * check fail with the reason; /healthz answers 503 with it and every dashboard page shows a banner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { buildApp } from '../../src/web/app.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { ROOT, waitForOutput } from '../cli/process.js';
import { seedConfig } from '../web/seed.js';
import { TestMonitorView } from '../web/test-view.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-store-health-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store health', () => {
  test('a healthy file store: ok; an in-memory one: ok', async () => {
    const store = openSqliteStore(join(dir, 'ok.db'));
    assert.deepEqual(await store.health(), { ok: true, reason: null });
    await store.close();
    const mem = openSqliteStore(':memory:');
    assert.deepEqual(await mem.health(), { ok: true, reason: null });
    await mem.close();
  });

  test('the file deleted while running: failing, /healthz 503 with the reason, a banner on pages', async () => {
    const path = join(dir, 'deleted.db');
    const store = openSqliteStore(path);
    const now = Date.UTC(2026, 0, 1);
    const view = new TestMonitorView({ config: seedConfig(), store, now: () => now });
    const app = buildApp(view);
    const admin = (await new TokenStore(store, () => now).create('alice', 'admin')).token;
    try {
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      await new Promise((r) => setTimeout(r, 1_100)); // past the one-second cache
      const health = await store.health();
      assert.equal(health.ok, false);
      assert.equal(
        health.reason,
        `the SQLite file ${path} was deleted while mcpwatch runs: what is written now is lost when it stops. Restore the file from a backup (or move it back) and restart`,
      );
      const res = await app.inject({ url: '/healthz' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'failing', time: new Date(now).toISOString(), store: health });

      const login = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${admin}`,
      });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      for (const url of ['/', '/incidents', '/servers/docs-search']) {
        const page = await app.inject({ url, headers: { cookie } });
        assert.equal(page.statusCode, 200, url);
        assert.match(
          page.body,
          /<main><div class="banner failing" role="alert">\s*<strong>Storage is failing\.<\/strong> the SQLite file .* was deleted while mcpwatch runs/,
          url,
        );
      }
    } finally {
      await app.close();
      await store.close();
    }
  });

  test('the file replaced while running: failing', async () => {
    const path = join(dir, 'replaced.db');
    const store = openSqliteStore(path);
    copyFileSync(path, join(dir, 'copy.db'));
    unlinkSync(path);
    renameSync(join(dir, 'copy.db'), path);
    const health = await store.health();
    assert.equal(health.ok, false);
    assert.match(health.reason!, /was replaced by another file while mcpwatch runs/);
    await store.close();
  });

  test('serve on a disk that fills up: /healthz turns 503 with the write error', async () => {
    const path = join(dir, 'full.db');
    const config = join(dir, 'full.yaml');
    writeFileSync(config, `server: { port: 18080 }\nstorage: { sqlite: ${path} }\nservers: []\n`);
    await openSqliteStore(path).close(); // the file exists, fully migrated
    // Writes past 2 MiB fail with EFBIG (SIGXFSZ ignored): a disk that is full for this process.
    const child = spawn(
      'sh',
      [
        '-c',
        `trap '' XFSZ; ulimit -f 4096; exec "${process.execPath}" --import tsx src/cli/bin.ts serve --config "${config}" --port 0`,
      ],
      { cwd: ROOT, env: { ...process.env, MCPWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const out = await waitForOutput(child, /dashboard at (http:\/\/[^/\s]+)\//);
      const base = /dashboard at (http:\/\/[^/\s]+)\//.exec(out)![1]!;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      // Fill the WAL up to the limit with one big value (the store's own write path).
      const filler = openSqliteStore(path, { migrate: false });
      try {
        await filler.setMeta('filler', 'x'.repeat(3 * 1024 * 1024));
      } catch {
        // this process has no limit: it may well succeed; what matters is the server's view
      } finally {
        await filler.close();
      }
      let last: Response | null = null;
      for (let i = 0; i < 30; i++) {
        last = await fetch(`${base}/healthz`);
        if (last.status === 503) break;
        await new Promise((r) => setTimeout(r, 1_100));
      }
      assert.equal(last!.status, 503);
      const body = (await last!.json()) as { status: string; store: { ok: boolean; reason: string } };
      assert.equal(body.status, 'failing');
      assert.match(body.store.reason, /^writes to the SQLite store fail \(.*full\.db\): /);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('watchStore', () => {
  test('logs one error when the file disappears, naming the reason', async () => {
    const { watchStore } = await import('../../src/web/store-health.js');
    const path = join(dir, 'watched.db');
    const store = openSqliteStore(path);
    const errors: string[] = [];
    const infos: string[] = [];
    const log = {
      error: (_o: unknown, msg: string) => void errors.push(msg),
      info: (msg: string) => void infos.push(msg),
    } as unknown as Parameters<typeof watchStore>[1];
    const timer = watchStore(store, log, 100);
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(errors, []);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      await new Promise((r) => setTimeout(r, 1_500));
      assert.deepEqual(errors, [
        `storage is failing: the SQLite file ${path} was deleted while mcpwatch runs: what is written now is lost when it stops. Restore the file from a backup (or move it back) and restart`,
      ]);
    } finally {
      clearInterval(timer);
      await store.close();
    }
  });
});
