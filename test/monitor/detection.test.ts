/**
 * Detection time on the default settings (probe every 60 s; after a failure, re-probe every 15 s; 3
 * failures in a row open a P1): from the moment a server breaks to the incident opening, for faults
 * starting at every point of the interval. The probes are scripted (the server is up or down by the
 * fake clock), so this measures the scheduler and the engine, not the network.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { ProbeOutcome } from '../../src/probe/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { fail, ok } from '../engine/helpers.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { silent, T0 } from './harness.js';

const CONFIG = `
servers:
  - { name: api, url: "http://127.0.0.1:9/mcp" }
`;

async function detectionAfter(faultOffsetMs: number, dir: string): Promise<number> {
  const { config, problems } = parseConfig(CONFIG, {});
  assert.ok(config, JSON.stringify(problems));
  const clock = new FakeClock(T0);
  const faultAt = T0 + 10 * 60_000 + faultOffsetMs;
  const probe = async (): Promise<ProbeOutcome> => {
    const at = clock.now();
    const r = at >= faultAt ? fail('transport', 'connect_refused') : ok();
    return { result: { ...r, startedAt: new Date(at).toISOString() } };
  };
  const store = openSqliteStore(join(dir, `${faultOffsetMs}.db`));
  const monitor = new Monitor({
    config: { ...config, storage: { sqlite: ':memory:' } },
    store,
    log: silent,
    clock,
    probe,
  });
  await monitor.start();
  try {
    for (let t = 0; t < 15 * 60_000; t += 1_000) {
      await clock.advance(1_000);
      const [incident] = await store.listIncidents({ open: true });
      if (incident) {
        assert.equal(incident.severity, 'P1');
        assert.equal(incident.trigger, 'consecutive_failures');
        assert.equal(incident.firstFailureAt !== null && incident.firstFailureAt >= faultAt, true);
        return incident.openedAt - faultAt;
      }
    }
    throw new Error('no incident');
  } finally {
    await monitor.stop();
    await store.close();
  }
}

test('a P1 opens 30–90 s after the fault starts on the default settings', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-detect-'));
  try {
    const times: number[] = [];
    for (let offset = 0; offset < 60_000; offset += 5_000) times.push(await detectionAfter(offset, dir));
    const sorted = [...times].sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    t.diagnostic(
      `detection (s): min ${sorted[0]! / 1000}, mean ${Math.round(mean / 100) / 10}, max ${sorted.at(-1)! / 1000} over ${times.length} fault start times`,
    );
    // The next scheduled probe comes within one interval; two confirmations 15 s apart follow.
    for (const d of times) assert.ok(d >= 30_000 && d <= 60_000 + 30_000, `detected after ${d} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
