/** Servers written alike share their equal config parts; each server's config reads the same. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { buildServer } from '../../src/config/build-server.js';

const YAML = `defaults: { interval: 60s, slo: { target: 0.99 } }
servers:
  - { name: a, url: "http://127.0.0.1:1/a" }
  - { name: b, url: "http://127.0.0.1:1/b" }
  - { name: c, url: "http://127.0.0.1:1/c", slo: { target: 0.999 }, tags: [x], regions: [eu] }
  - { name: d, url: "http://127.0.0.1:1/d", thresholds: { certExpiringDays: 7 }, tags: [x] }
`;

test('equal parts are one object; different ones are not; every server reads as built alone', () => {
  const { config, problems } = parseConfig(YAML, {}, { file: '/tmp/share.yaml' });
  assert.ok(config, JSON.stringify(problems));
  const [a, b, c, d] = config.servers;
  const rows: [string, unknown, unknown, boolean][] = [
    ['slo of a and b', a!.rules.slo, b!.rules.slo, true],
    ['slo of a and c (target differs)', a!.rules.slo, c!.rules.slo, false],
    ['thresholds of a and c', a!.rules.thresholds, c!.rules.thresholds, true],
    ['thresholds of a and d (certExpiringDays differs)', a!.rules.thresholds, d!.rules.thresholds, false],
    ['tags of c and d ([x])', c!.tags, d!.tags, true],
    ['tags of a and c', a!.tags, c!.tags, false],
    ['regions of a and b', a!.regions, b!.regions, true],
    ['regions of a and c (eu)', a!.regions, c!.regions, false],
    ['headers of a and b', a!.headers, b!.headers, true],
  ];
  for (const [what, x, y, same] of rows) assert.equal(x === y, same, what);
  // Sharing changes no value: each server equals its config built on its own.
  const defaults = { interval: '60s', slo: { target: 0.99 } };
  for (const s of config.servers) assert.deepEqual(s, buildServer(s.entry!, defaults, '/tmp'), s.name);
  assert.notEqual(a!.rules, b!.rules, 'rules name their server: not shared');
});
