import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { parseServerEntry } from '../../src/config/server-entry.js';
import type { Config } from '../../src/config/types.js';

const FILE = `defaults:
  interval: 30s
  headers: { User-Agent: mcpwatch }
servers:
  - { name: docs, url: "https://docs.example.com/mcp" }
channels:
  - { name: team, type: slack, url: "https://hooks.slack.com/x" }
`;

function config(): Config {
  const { config } = parseConfig(FILE, {});
  assert.ok(config);
  return config;
}

test('a server entry from the API is built with the file defaults', () => {
  const { server, problems } = parseServerEntry(
    { name: 'search', url: 'https://search.example.com/mcp', routes: { P2: ['team'] } },
    config(),
  );
  assert.deepEqual(problems, []);
  assert.equal(server?.rules.intervalMs, 30_000);
  assert.deepEqual(server?.headers, { 'User-Agent': 'mcpwatch' });
  assert.deepEqual(server?.routes, { P2: ['team'] });
  assert.deepEqual(server?.entry, {
    name: 'search',
    url: 'https://search.example.com/mcp',
    routes: { P2: ['team'] },
  });
});

test('a server entry is validated like the file, with paths relative to the entry', () => {
  const cases: [unknown, { replacing?: string }, [string, string][]][] = [
    [{ name: 'docs', url: 'https://x.example.com' }, {}, [['name', 'a server named "docs" exists already']]],
    [{ name: 'docs', url: 'https://x.example.com', interval: '2m' }, { replacing: 'docs' }, []],
    [
      { name: 'other', url: 'https://x.example.com' },
      { replacing: 'docs' },
      [['name', 'cannot change: remove the server and add it under the new name']],
    ],
    [
      { name: 'Bad Name', url: 'ftp://x', intervall: '1m', routes: { P1: ['teem'] } },
      {},
      [
        ['intervall', 'unknown key "intervall" (did you mean "interval"?)'],
        ['name', 'must be lowercase letters, digits and dashes ([a-z0-9-]+)'],
        ['routes.P1[0]', 'unknown channel "teem" (did you mean "team"?)'],
        ['url', 'must be an http:// or https:// URL (not ftp:)'],
      ],
    ],
    [{ name: 'envy', url: 'https://${HOST}/mcp' }, {}, []],
    ['not an object', {}, [['', 'must be a map of keys']]],
  ];
  for (const [raw, opts, expected] of cases) {
    const { server, problems } = parseServerEntry(raw, config(), opts);
    assert.deepEqual(
      problems.map((p) => [p.path, p.message]),
      expected,
      JSON.stringify(raw),
    );
    assert.equal(server === null, expected.length > 0);
  }
});

test('the API cannot read the environment: ${VAR} stays literal', () => {
  const { server } = parseServerEntry({ name: 'envy', url: 'https://example.com/${HOME}' }, config());
  assert.equal(server?.url, 'https://example.com/${HOME}');
});
