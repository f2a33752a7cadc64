/** `servers[].calls`: what the loader builds (every as probes or a time) and what it refuses, with the path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConfig, parseConfig } from '../../src/config/load.js';

const server = (calls: string) => `servers:
  - name: docs
    url: https://docs.example.com/mcp
    calls:
${calls}`;

test('calls are built with their defaults; every is a probe count or a duration', () => {
  const { config, problems } = parseConfig(
    server(`      - { tool: echo }
      - { tool: search, arguments: { q: mcp }, every: 5, expect: { textContains: hits, structured: { ok: true } } }
      - { tool: reindex, every: 10m, allowWrite: true }
`),
    {},
  );
  assert.ok(config, JSON.stringify(problems));
  assert.deepEqual(config.servers[0]!.calls, [
    { tool: 'echo', arguments: {}, every: { probes: 1 }, expect: null, allowWrite: false },
    {
      tool: 'search',
      arguments: { q: 'mcp' },
      every: { probes: 5 },
      expect: { textContains: 'hits', structured: { ok: true } },
      allowWrite: false,
    },
    { tool: 'reindex', arguments: {}, every: { ms: 600_000 }, expect: null, allowWrite: true },
  ]);
});

test('a server without calls has none', () => {
  const { config } = parseConfig(server('      []\n').replace('    calls:\n      []\n', ''), {});
  assert.deepEqual(config!.servers[0]!.calls, []);
});

for (const [name, yaml, path] of [
  ['no tool', '      - { arguments: {} }\n', 'servers[0].calls[0]'],
  ['every 0', '      - { tool: echo, every: 0 }\n', 'servers[0].calls[0].every'],
  ['every without a unit in a string', '      - { tool: echo, every: "ten" }\n', 'servers[0].calls[0].every'],
  [
    'an unknown expect key',
    '      - { tool: echo, expect: { contains: x } }\n',
    'servers[0].calls[0].expect',
  ],
  ['arguments not a map', '      - { tool: echo, arguments: [1] }\n', 'servers[0].calls[0].arguments'],
] as const)
  test(`refused: ${name}`, () => {
    const problems = checkConfig(server(yaml), {}).filter((p) => p.severity === 'error');
    assert.ok(
      problems.some((p) => p.path.startsWith(path)),
      `${path}: ${JSON.stringify(problems)}`,
    );
  });
