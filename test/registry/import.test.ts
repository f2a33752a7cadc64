/**
 * `mcpwatch import` against a loopback registry in the real API shape: exactly the right servers,
 * YAML the config loader accepts as written, the rest listed with its reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { importFromRegistry, importYaml } from '../../src/registry/import.js';
import { mcpwatch } from '../cli/process.js';
import { catalogue } from './catalogue.js';
import { startRegistry, type FakeRegistry } from './registry-server.js';

const tags = (...names: string[]) => ['registry', ...names.map((n) => `registry:${n}`)];

/** The servers the catalogue must give, in listing order. */
const EXPECTED = [
  { name: 'com-example-a-b', url: 'https://ab1.example.com/mcp', tags: tags('com.example.a/b') },
  { name: 'com-example-a-b-2', url: 'https://ab2.example.com/mcp', tags: tags('com.example/a-b') },
  {
    name: 'com-example-alpha',
    url: 'https://alpha.example.com/mcp',
    tags: tags('com.example/alpha', 'com.example/mirror'),
  },
  {
    name: 'com-example-beta-legacy',
    url: 'https://beta.example.com/sse',
    era: 'sse',
    tags: tags('com.example/beta-legacy'),
  },
  { name: 'com-example-both', url: 'https://both.example.com/mcp', tags: tags('com.example/both') },
  {
    name: 'com-example-both-sse',
    url: 'https://both.example.com/sse',
    era: 'sse',
    tags: tags('com.example/both'),
  },
  {
    name: 'com-example-fixed-header',
    url: 'https://fixed.example.com/mcp',
    headers: { 'X-Client': 'mcpwatch' },
    tags: tags('com.example/fixed-header'),
  },
  {
    name: 'com-example-sneaky',
    url: 'https://sneaky.example.com/mcp',
    headers: { 'X-Leak': '${HOME:-none}' },
    tags: tags('com.example/sneaky'),
  },
  {
    name: 'io-github-some-user-weather-mcp',
    url: 'https://weather.example.org/mcp',
    tags: tags('io.github.Some_User/Weather.MCP'),
  },
];

describe('import from a registry', () => {
  let reg: FakeRegistry;
  let dir: string;
  before(async () => {
    reg = await startRegistry(catalogue(), { pageSize: 5 });
    dir = mkdtempSync(join(tmpdir(), 'mcpwatch-import-'));
  });
  after(async () => {
    await reg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every page, latest versions: exactly the monitorable remotes, merged by URL', async () => {
    reg.requests.length = 0;
    const result = await importFromRegistry(reg.url, { pageSize: 5 });
    assert.equal(result.pages, 3);
    assert.equal(result.entries, 14);
    assert.deepEqual(
      reg.requests.map((q) => [q.get('version'), q.get('limit'), q.get('cursor')]),
      [
        ['latest', '5', null],
        ['latest', '5', 'com.example/both'],
        ['latest', '5', 'com.example/old'],
      ],
    );
    const yaml = importYaml(result, { registry: reg.url, at: '2026-12-07T00:00:00.000Z' });
    const doc = parse(yaml) as { servers: unknown[] };
    // As written, registry text that looks like ${ENV} is escaped ($${); the loader reads it back literally.
    const written = EXPECTED.map((e) =>
      e.name === 'com-example-sneaky' ? { ...e, headers: { 'X-Leak': '$${HOME:-none}' } } : e,
    );
    assert.deepEqual(doc.servers, written.map(order));
    assert.deepEqual(
      result.plan.needsConfig.map((n) => [n.name, n.url, n.variables, n.headers]),
      [
        ['com-example-keyed', 'https://keyed.example.com/mcp', [], [{ name: 'X-API-Key', secret: true }]],
        ['com-example-tenant', 'https://{tenant}.example.com/mcp', ['tenant'], []],
      ],
    );
    assert.deepEqual(result.plan.skipped, { 'packages only': 1, deprecated: 1, 'no remotes': 1 });
    assert.equal(result.plan.merged, 1);
    assert.match(
      yaml,
      /^# 9 servers to monitor from 14 registry entries \(3 pages\); 2 need configuration; 1 merged \(same URL\); skipped: 1 packages only, 1 deprecated, 1 no remotes$/m,
    );
  });

  test('the YAML loads as a config as written: no ${ENV} read from registry text', async () => {
    const result = await importFromRegistry(reg.url);
    const yaml = importYaml(result, { registry: reg.url, at: '2026-12-07T00:00:00.000Z' });
    const { config, problems } = parseConfig(yaml, { HOME: '/home/secret' });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      config!.servers.map((s) => [s.name, s.url, s.era, s.headers]),
      EXPECTED.map((e) => [e.name, e.url, e.era ?? 'auto', e.headers ?? {}]),
    );
    assert.equal(
      config!.servers.find((s) => s.name === 'com-example-sneaky')!.headers['X-Leak'],
      '${HOME:-none}',
    );
    // The commented-out entries, uncommented and given their variables, load too.
    const needs = yaml
      .split('\n')
      .filter((l) => l.startsWith('#   '))
      .map((l) => l.slice(4))
      .join('\n')
      .replace('{tenant}', 'acme');
    const completed = parseConfig(`servers:\n${needs.replace(/^/gm, '  ')}\n`, {
      COM_EXAMPLE_KEYED_X_API_KEY: 'k',
    });
    assert.deepEqual(completed.problems, []);
    assert.deepEqual(
      completed.config!.servers.map((s) => [s.name, s.url, s.headers]),
      [
        ['com-example-keyed', 'https://keyed.example.com/mcp', { 'X-API-Key': 'k' }],
        ['com-example-tenant', 'https://acme.example.com/mcp', {}],
      ],
    );
  });

  test('search and limit are the registry’s search and a cap on servers', async () => {
    reg.requests.length = 0;
    const result = await importFromRegistry(reg.url, { search: 'example/b', limit: 2, pageSize: 5 });
    assert.deepEqual(
      reg.requests.map((q) => q.get('search')),
      ['example/b'],
    );
    assert.deepEqual(
      result.plan.servers.map((s) => s.name),
      ['com-example-beta-legacy', 'com-example-both'],
    );
    assert.equal(result.plan.overLimit, 1);
  });

  test('the command: YAML on stdout, needs-configuration on stderr, -o never overwrites', async () => {
    const run = await mcpwatch(['import', '--registry', reg.url]);
    assert.equal(run.code, 0, run.stderr);
    const doc = parse(run.stdout) as { servers: { name: string }[] };
    assert.deepEqual(
      doc.servers.map((s) => s.name),
      EXPECTED.map((e) => e.name),
    );
    assert.deepEqual(run.stderr.trim().split('\n'), [
      'needs configuration: com-example-keyed (com.example/keyed) https://keyed.example.com/mcp: secret header X-API-Key',
      'needs configuration: com-example-tenant (com.example/tenant) https://{tenant}.example.com/mcp: url variable {tenant}',
      'mcpwatch import: 9 servers to monitor from 14 registry entries (1 page); 2 need configuration; 1 merged (same URL); skipped: 1 packages only, 1 deprecated, 1 no remotes',
    ]);
    const file = join(dir, 'servers.yaml');
    const written = await mcpwatch(['import', '--registry', reg.url, '--limit', '3', '-o', file]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    assert.deepEqual(
      (parse(readFileSync(file, 'utf8')) as { servers: { name: string }[] }).servers.map((s) => s.name),
      ['com-example-a-b', 'com-example-a-b-2', 'com-example-alpha'],
    );
    writeFileSync(file, 'mine');
    const again = await mcpwatch(['import', '--registry', reg.url, '-o', file]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
    assert.equal(readFileSync(file, 'utf8'), 'mine');
  });

  test('a registry that is down: exit 1, a classified message, nothing on stdout', async () => {
    reg.mode = 'http500';
    try {
      const run = await mcpwatch(['import', '--registry', reg.url]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(
        run.stderr,
        /^mcpwatch: registry http_status: the registry answered HTTP 500 \(http:\/\/127\.0\.0\.1:\d+\/v0\.1\/servers\?limit=100&version=latest\); nothing written$/m,
      );
    } finally {
      reg.mode = 'ok';
    }
    const bad = await mcpwatch(['import', '--registry', 'ftp://example.com']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--registry: the registry must be an absolute http\(s\) URL/);
  });
});

/** The key order serverEntry writes: name, url, era, headers, tags. */
function order(e: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e['name'], url: e['url'] };
  if (e['era']) out['era'] = e['era'];
  if (e['headers']) out['headers'] = e['headers'];
  out['tags'] = e['tags'];
  return out;
}
