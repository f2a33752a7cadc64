/** When time alone is judged: once a minute per server, the minutes shifted by the name's hash. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { engineTickDue } from '../../src/monitor/housekeeping.js';
import { trackedFrom } from '../../src/monitor/tracked.js';
import { nameHash } from '../../src/scheduler/offset.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

test('engineTickDue: once in each of the server’s own minutes', () => {
  const name = 'ep-7';
  // The server's minutes start where (at + phase) crosses a whole minute.
  const phase = nameHash(name) % M;
  const start = T0 + M - phase; // a boundary of this server's minutes
  const rows: [string, number, number, boolean][] = [
    ['just judged', start + 1_000, start + 1_000, false],
    ['later in the same minute', start + 1_000, start + M - 1, false],
    ['first instant of the next minute', start + 1_000, start + M, true],
    ['judged at the last instant, due 1 ms later', start - 1, start, true],
    ['a whole minute later', start + 30_000, start + 90_000, true],
  ];
  for (const [why, tickedAt, now, due] of rows) assert.equal(engineTickDue(name, tickedAt, now), due, why);
});

test('engineTickDue: 12,000 servers ticked every 5 s are each judged once a minute, a twelfth at a time', () => {
  const names = Array.from({ length: 12_000 }, (_, i) => `server-${i}`);
  const tickedAt = new Map(names.map((n) => [n, T0])); // all judged at the same tick
  const perTick: number[] = [];
  const times = new Map(names.map((n) => [n, 0]));
  for (let now = T0 + 5_000; now <= T0 + 10 * M; now += 5_000) {
    let n = 0;
    for (const name of names)
      if (engineTickDue(name, tickedAt.get(name)!, now)) {
        tickedAt.set(name, now);
        times.set(name, times.get(name)! + 1);
        n++;
      }
    perTick.push(n);
  }
  // After the first minute every 5 s tick judges about 1,000 (a twelfth), none judged twice a minute.
  const steady = perTick.slice(12);
  assert.ok(Math.max(...steady) < 1_200 && Math.min(...steady) > 800, steady.join(' '));
  for (const [name, n] of times) assert.ok(n === 10 || n === 9, `${name}: ${n} times in 10 minutes`);
});

test('a start judges time alone a twelfth at a time from the first tick, not every server at once', () => {
  const yaml = `servers:\n${Array.from({ length: 1_200 }, (_, i) => `  - { name: s-${i}, url: "http://127.0.0.1:9/${i}" }`).join('\n')}\n`;
  const { config } = parseConfig(yaml, {});
  const tracked = config!.servers.map((cfg) => trackedFrom(cfg, T0));
  const judged = new Map<string, number>();
  for (let now = T0 + 5_000; now <= T0 + M; now += 5_000) {
    const due = tracked.filter((t) => engineTickDue(t.cfg.name, t.tickedAt, now));
    assert.ok(due.length > 50 && due.length < 170, `${due.length} of 1,200 judged at +${now - T0} ms`);
    for (const t of due) {
      t.tickedAt = now;
      judged.set(t.cfg.name, (judged.get(t.cfg.name) ?? 0) + 1);
    }
  }
  assert.equal(judged.size, 1_200, 'every server judged within the first minute');
  assert.ok(
    [...judged.values()].every((n) => n === 1),
    'and once',
  );
});
