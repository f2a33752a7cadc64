/**
 * The weekly digest through the running monitor: the warnings an outage left behind reach the digest
 * channel once, at the scheduled time, and not one message per finding before it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { harness } from './harness.js';

test('P3 warnings go out in one digest at the scheduled time (Monday 09:00)', async () => {
  const file = join(tmpdir(), `mcpwatch-digest-${process.pid}.yaml`);
  writeFileSync(
    file,
    `${readFileSync('examples/mcpwatch.yaml', 'utf8')}\ndigest: { schedule: "mon 09:00", channels: [hook] }\n`,
  );
  const h = await harness(file);
  try {
    const { monitor, store } = await h.open({ tickMs: 60_000 });
    await h.run(10 * 60_000, 5_000);
    h.demo.setFault('http500');
    await h.run(8 * 60_000, 5_000);
    h.demo.setFault('ok');
    await h.run(60 * 60_000, 10_000);
    const warnings = await store.listWarnings({});
    assert.ok(warnings.length > 0, 'the outage left P3 warnings');
    const before = h.alerts.filter((a) => a.type === 'digest.created');
    assert.equal(before.length, 0, 'no digest before its time');

    // Quiet week: stop probing, then let the clock reach next Monday 09:00 (T0 is a Monday 09:00).
    const t = monitor.get('demo')!;
    await monitor.upsertServer({ ...t.cfg, paused: true });
    await h.run(7 * 86_400_000 - (h.clock.now() - Date.UTC(2026, 10, 2, 9)), 300_000);
    await h.run(10 * 60_000, 60_000);
    const digests = h.alerts.filter((a) => a.type === 'digest.created');
    assert.equal(digests.length, 1, 'one digest');
    const body = JSON.stringify(digests[0]);
    for (const w of warnings) assert.ok(body.includes(w.rule), `the digest lists ${w.rule}`);
  } finally {
    await h.close();
  }
});
