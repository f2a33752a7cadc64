/**
 * A restart after the SQLite file was deleted does not silently start over: serve says loudly that it
 * created a new, empty store (and that a new admin token follows). A start on the existing file says
 * nothing of the kind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { finished, start, waitForOutput } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-new-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'data', 'mcpwatch.db');
const config = join(dir, 'mcpwatch.yaml');
writeFileSync(config, `server: { port: 18080 }\nstorage: { sqlite: ${db} }\nservers: []\n`);

/** Starts serve, waits for the dashboard line, stops it; returns what it printed. */
async function serveOnce(): Promise<string> {
  const child = start(['serve', '--config', config, '--port', '0']);
  const seen = await waitForOutput(child, /dashboard at http/);
  await new Promise((r) => setTimeout(r, 300)); // the token notice comes right after
  child.kill('SIGTERM');
  const run = await finished(child, 20_000);
  assert.equal(run.code, 0, run.stderr);
  return seen + run.stdout + run.stderr;
}

const NOTICE = `mcpwatch: NEW EMPTY STORE: there was no SQLite file at ${db}, so a new one was created.`;

test('first start, restart, and a restart after the file was deleted', async () => {
  const first = await serveOnce();
  assert.ok(first.includes(NOTICE), first);
  assert.match(first, /First admin API token/);

  const second = await serveOnce();
  assert.ok(!second.includes('NEW EMPTY STORE'), second);
  assert.doesNotMatch(second, /First admin API token/);

  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const third = await serveOnce();
  assert.ok(third.includes(NOTICE), third);
  assert.ok(third.includes('stop mcpwatch now\n  and restore it from a backup'), third);
  assert.match(third, /First admin API token/);
});
