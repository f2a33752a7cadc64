/** An alert channel that keeps failing raises a warning (and the warning clears when it recovers). */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { harness, until } from './harness.js';

test('a failing channel raises a channel_failing warning, cleared once it delivers again', async () => {
  let up = false;
  const receiver = createServer((req, res) => {
    req.resume();
    res.writeHead(up ? 204 : 503).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const h = await harness('examples/mcpwatch.yaml', {
    DEMO_HOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  });
  try {
    const { monitor, store } = await h.open();
    h.demo.setFault('down');
    const warnings = async () =>
      (await store.listWarnings({ active: true })).filter((w) => w.rule === 'channel_failing');
    for (let i = 0; i < 240 && (await warnings()).length === 0; i++) {
      await h.clock.advance(1_000);
      await monitor.worker.runOnce();
      if (i % 5 === 0) await monitor.tick();
    }
    const [w] = await warnings();
    assert.ok(w, 'a warning was raised');
    assert.equal(w.server, 'channel:hook');
    assert.match(w.message, /hook/);

    up = true;
    await until(async () => {
      await h.clock.advance(60_000);
      await monitor.worker.runOnce();
      await monitor.tick();
      return (await warnings()).length === 0;
    }, 20_000);
    const cleared = (await store.listWarnings({})).find((x) => x.id === w.id);
    assert.notEqual(cleared?.clearedAt, null);
  } finally {
    await h.close();
    receiver.close();
  }
});
