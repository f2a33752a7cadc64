/** retention: raw, rollups and minuteRollups as the config gives them, and their limits. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';

const DAY = 86_400_000;
const SERVERS = 'servers: [{ name: a, url: "https://mcp.example.com/mcp" }]\n';

const CASES: [string, string, Record<string, number> | null, string[]][] = [
  ['defaults', '', { rawMs: 30 * DAY, rollupsMs: 400 * DAY }, []],
  [
    'minute rollups kept shorter',
    'retention: { raw: 7d, minuteRollups: 2d }',
    { rawMs: 7 * DAY, rollupsMs: 400 * DAY, minuteRollupsMs: 2 * DAY },
    [],
  ],
  [
    'minute rollups under an hour',
    'retention: { minuteRollups: 30m }',
    null,
    ['retention.minuteRollups: must be at least 1h'],
  ],
  ['raw under an hour', 'retention: { raw: 10m }', null, ['retention.raw: must be at least 1h']],
  ['rollups under a day', 'retention: { rollups: 12h }', null, ['retention.rollups: must be at least 1d']],
];

for (const [name, yaml, want, errors] of CASES)
  it(`retention: ${name}`, () => {
    const { config, problems } = parseConfig(SERVERS + yaml + '\n', {}, {});
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error').map((p) => `${p.path}: ${p.message}`),
      errors,
    );
    assert.deepEqual(config?.retention ?? null, want);
  });
