/**
 * `inPlace` (the monitor's way: it owns the state and never reads the old one) must judge exactly as
 * the pure, copying path does: same events, same incidents, same state after every round and tick.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createState, observe, serializeState, tick } from '../../src/engine/index.js';
import { fail, ok, prng, rulesFor, T0 } from './helpers.js';

test('in-place observe and tick equal the copying path over two simulated days', () => {
  const rules = rulesFor();
  const random = prng(7);
  let pure = createState(rules);
  let owned = createState(rules);
  let at = T0;
  let events = 0;
  for (let i = 0; i < 2 * 1_440; i++) {
    at += 60_000;
    // Outages of a few minutes now and then, and scattered single failures.
    const down = i % 300 >= 120 && i % 300 < 126;
    const result =
      down || random() < 0.03
        ? fail('initialize', 'timeout', { ms: 10_000 })
        : ok({ ms: 80 + random() * 40 });
    const before = serializeState(pure);
    const a = observe(pure, { at, results: [result] }, { now: at });
    assert.equal(serializeState(pure), before, 'the copying path leaves its input alone');
    const b = observe(owned, { at, results: [result] }, { now: at, inPlace: true });
    assert.equal(b.state, owned, 'in place: the same object comes back');
    assert.deepEqual(b.events, a.events);
    assert.deepEqual(b.incident, a.incident);
    pure = a.state;
    owned = b.state;
    if (i % 10 === 0) {
      const ta = tick(pure, at + 30_000);
      const tb = tick(owned, at + 30_000, { inPlace: true });
      assert.deepEqual(tb.events, ta.events);
      pure = ta.state;
      owned = tb.state;
    }
    assert.equal(serializeState(owned), serializeState(pure));
    events += a.events.length;
  }
  assert.ok(events > 10, `the scenario exercised the rules (${events} events)`);
});
