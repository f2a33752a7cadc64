/**
 * The tool surface through the monitor: only its fingerprint is kept in memory, the definitions are
 * asked of the probe only when the listing differs from the one held, a change without a version
 * bump is drift judged against the surface stored before it, and while the store cannot be read the
 * change waits for it (the probe itself is still judged).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { FullProbeOptions } from '../../src/probe/index.js';
import type { ProbeOutcome, ToolDefinition } from '../../src/probe/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { ok } from '../engine/helpers.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { silent, T0 } from './harness.js';

const M = 60_000;
const SURFACES: Record<string, ToolDefinition[]> = {
  A: [{ name: 'search', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }],
  B: [{ name: 'search', inputSchema: { type: 'object', properties: { query: { type: 'string' } } } }],
};

test('definitions only on change; drift against the stored surface; a change waits while the store is away', async () => {
  const { config, problems } = parseConfig(
    'servers:\n  - { name: api, url: "http://127.0.0.1:9/mcp" }\n',
    {},
  );
  assert.ok(config, JSON.stringify(problems));
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-surface-'));
  const sqlite = openSqliteStore(join(dir, 'm.db'));
  let away = false;
  const unreachable = () => Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
  // The real store, but its surface reads fail as an unreachable database's do while `away`.
  const store: Store = Object.create(sqlite, {
    listToolSurfaces: {
      value: (server: string, limit?: number) =>
        away ? Promise.reject(unreachable()) : sqlite.listToolSurfaces(server, limit),
    },
  });
  const clock = new FakeClock(T0);
  let serving = 'A';
  const asked: { known: string | undefined; sent: boolean }[] = [];
  const probe = async (_url: string, opts: FullProbeOptions): Promise<ProbeOutcome> => {
    const fingerprint = `sha256:${serving}`;
    const r = ok();
    r.startedAt = new Date(clock.now()).toISOString();
    r.server = { name: 'api', version: '1.0.0' };
    r.tools = { count: 1, fingerprint, items: [{ name: 'search', inputSchemaHash: serving }] };
    const sent = opts.keepToolDefinitions === true && opts.knownToolsFingerprint !== fingerprint;
    asked.push({ known: opts.knownToolsFingerprint, sent });
    return sent ? { result: r, toolDefinitions: SURFACES[serving] } : { result: r };
  };
  const monitor = new Monitor({ config, store, log: silent, clock, probe });
  const probes = async (n: number) => {
    for (let i = 0; i < n; i++) await monitor.probeNow('api');
  };
  try {
    await monitor.start();
    await clock.advance(M);
    await probes(2);
    assert.equal(monitor.get('api')!.surfaceFingerprint, 'sha256:A');
    assert.deepEqual(asked.at(-1), { known: 'sha256:A', sent: false }, 'the held listing is not sent again');
    assert.equal((await sqlite.listToolSurfaces('api')).length, 1);

    // B appears while the store cannot be read: the probe is judged, the change waits.
    serving = 'B';
    away = true;
    const rounds = monitor.get('api')!.state.memory.lastRoundAt;
    await clock.advance(M);
    await probes(1);
    assert.ok(monitor.get('api')!.state.memory.lastRoundAt! > rounds!, 'the probe was judged');
    assert.equal(monitor.get('api')!.surfaceFingerprint, 'sha256:A', 'the change waits');
    assert.equal(monitor.get('api')!.state.memory.drift, null);
    assert.equal((await sqlite.listToolSurfaces('api')).length, 1);

    // The store answers again: the next probe finds the change, judged against A as stored.
    away = false;
    const since = asked.length;
    await clock.advance(M);
    await probes(1);
    // The first probe after (the scheduled one) holds A and is sent B; the ones after hold B.
    assert.deepEqual(asked.slice(since), [
      { known: 'sha256:A', sent: true },
      { known: 'sha256:B', sent: false },
    ]);
    assert.equal(monitor.get('api')!.surfaceFingerprint, 'sha256:B');
    const drift = monitor.get('api')!.state.memory.drift;
    assert.ok(drift, 'drift is judged');
    assert.match(drift.message, /without a server version bump \(still 1\.0\.0\)/);
    assert.match(drift.message, /search/);
    assert.deepEqual(
      (await sqlite.listToolSurfaces('api')).map((s) => s.fingerprint),
      ['sha256:B', 'sha256:A'],
    );
  } finally {
    await monitor.stop();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
