/** `sources:` in the config: defaults, names, and every mistake reported at its path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';

test('sources: defaults and derived names', () => {
  const { config, problems } = parseConfig(`
sources:
  - registry: https://registry.modelcontextprotocol.io
  - { registry: https://registry.modelcontextprotocol.io, search: github, every: 6h }
  - { name: eco, registry: http://127.0.0.1:9/v0.1 }
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(config!.sources, [
    {
      name: 'registry-modelcontextprotocol-io',
      registry: 'https://registry.modelcontextprotocol.io',
      search: null,
      everyMs: 3_600_000,
    },
    {
      name: 'registry-modelcontextprotocol-io-github',
      registry: 'https://registry.modelcontextprotocol.io',
      search: 'github',
      everyMs: 21_600_000,
    },
    { name: 'eco', registry: 'http://127.0.0.1:9/v0.1', search: null, everyMs: 3_600_000 },
  ]);
});

test('sources: mistakes at their paths', () => {
  const cases: [string, string[]][] = [
    ['- { search: x }', ['sources[0].registry: is required']],
    [
      '- { registry: ftp://r.example.com }',
      ['sources[0].registry: must be an http:// or https:// URL (not ftp:)'],
    ],
    ['- { registry: https://r.example.com, every: soon }', ['sources[0].every: ']],
    [
      '- { registry: https://r.example.com, name: Eco }',
      ['sources[0].name: must be lowercase letters, digits and dashes ([a-z0-9-]+)'],
    ],
    [
      '- { registry: https://r.example.com, serch: x }',
      ['sources[0].serch: unknown key "serch" (did you mean "search"?)'],
    ],
    [
      '- { registry: https://a.example.com, name: eco }\n  - { registry: https://b.example.com, name: eco }',
      ['sources[1].name: duplicate source name "eco" (first at sources[0])'],
    ],
  ];
  for (const [yaml, expected] of cases) {
    const { problems } = parseConfig(`sources:\n  ${yaml}\n`);
    const got = problems.filter((p) => p.severity === 'error').map((p) => `${p.path}: ${p.message}`);
    assert.equal(got.length, expected.length, `${yaml}: ${JSON.stringify(got)}`);
    expected.forEach((e, i) => assert.ok(got[i]!.startsWith(e), `${yaml}: ${got[i]}`));
  }
});

test('statusPages: a source page names a configured source; a page needs servers or a source', () => {
  const base =
    'sources:\n  - { name: eco, registry: https://r.example.com }\n  - { registry: https://registry.example.org }\n';
  const good = parseConfig(
    `${base}statusPages:\n  - { slug: a, title: A, source: eco }\n  - { slug: b, title: B, source: registry-example-org }\n`,
  );
  assert.deepEqual(good.problems, []);
  assert.deepEqual(
    good.config!.statusPages.map((p) => [p.slug, p.servers, p.source]),
    [
      ['a', [], 'eco'],
      ['b', [], 'registry-example-org'],
    ],
  );
  const bad = parseConfig(
    `${base}statusPages:\n  - { slug: a, title: A, source: ecco }\n  - { slug: b, title: B }\n`,
  );
  assert.deepEqual(
    bad.problems.filter((p) => p.severity === 'error').map((p) => `${p.path}: ${p.message}`),
    [
      'statusPages[0].source: unknown source "ecco" (did you mean "eco"?)',
      'statusPages[1]: needs `servers` (a list of server names) or `source` (a sources name)',
    ],
  );
});
