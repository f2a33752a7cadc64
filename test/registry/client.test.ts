/** The registry client against a loopback registry: pages, queries, and every failure classified. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { listEndpoint, listPages, type RegistryClientOptions } from '../../src/registry/client.js';
import { RegistryError, type RegistryErrorCode } from '../../src/registry/errors.js';
import { catalogue } from './catalogue.js';
import { startRegistry, type FakeRegistry, type Mode } from './registry-server.js';

async function collect(url: string, opts: RegistryClientOptions = {}, query = {}) {
  const pages = [];
  for await (const p of listPages(url, query, opts)) pages.push(p);
  return pages;
}

describe('registry client', () => {
  let reg: FakeRegistry;
  before(async () => {
    reg = await startRegistry(catalogue());
  });
  after(() => reg.close());

  test('the list endpoint from a base URL, an API root or the list itself', () => {
    assert.deepEqual(
      [
        'https://registry.example.com',
        'https://registry.example.com/',
        'https://r.example.com/mirror/v0.1',
        'https://r.example.com/v0/',
        'https://r.example.com/v0.1/servers?x=1',
      ].map((u) => listEndpoint(u).url.href),
      [
        'https://registry.example.com/v0.1/servers',
        'https://registry.example.com/v0.1/servers',
        'https://r.example.com/mirror/v0.1/servers',
        'https://r.example.com/v0/servers',
        'https://r.example.com/v0.1/servers',
      ],
    );
    for (const bad of ['not a url', 'ftp://r.example.com', 'file:///etc/passwd'])
      assert.throws(
        () => listEndpoint(bad),
        (e: RegistryError) => e.code === 'bad_url',
      );
  });

  test('pages by cursor; deleted entries and other versions come only when asked', async () => {
    const pages = await collect(reg.url, { pageSize: 4 });
    assert.deepEqual(
      pages.map((p) => p.entries.length),
      [4, 4, 4, 2],
    );
    const all = pages.flatMap((p) => p.entries);
    assert.equal(all.filter((e) => e.name === 'com.example/alpha').length, 1);
    assert.equal(all.find((e) => e.name === 'com.example/old')?.status, 'deprecated');
    assert.equal(all.find((e) => e.name === 'com.example/old')?.statusMessage, 'Use com.example/alpha');
    assert.equal(
      all.some((e) => e.name === 'com.example/gone'),
      false,
    );
    reg.requests.length = 0;
    const since = await collect(reg.url, {}, { updatedSince: '2025-01-01T00:00:00Z' });
    assert.equal(reg.requests[0]?.get('updated_since'), '2025-01-01T00:00:00Z');
    assert.equal(
      since.flatMap((p) => p.entries).find((e) => e.name === 'com.example/gone')?.status,
      'deleted',
    );
  });

  test('a registry from before v0.1: /v0/servers, once', async () => {
    reg.mode = 'v0_only';
    reg.paths.length = 0;
    try {
      const pages = await collect(reg.url);
      assert.equal(pages[0]?.entries.length, 14);
      assert.deepEqual(reg.paths, ['/v0.1/servers', '/v0/servers']);
    } finally {
      reg.mode = 'ok';
    }
  });

  const failures: [Mode, RegistryErrorCode, RegExp, RegistryClientOptions?][] = [
    ['down', 'unreachable', /^the registry cannot be reached \(/],
    ['http500', 'http_status', /^the registry answered HTTP 500$/],
    ['not_json', 'not_json', /^the registry answered 200 with a body that is not JSON$/],
    ['bad_shape', 'bad_shape', /^the answer is JSON but has no `servers` list$/],
    ['oversized', 'too_large', /^a page is larger than 8192 KiB$/],
    ['slow', 'timeout', /^no complete answer within 300 ms$/, { timeoutMs: 300 }],
    ['cursor_loop', 'too_many', /repeated a cursor/],
  ];
  for (const [mode, code, message, opts] of failures) {
    test(`${mode}: RegistryError ${code}`, async () => {
      reg.mode = mode;
      const started = Date.now();
      try {
        await assert.rejects(collect(reg.url, opts), (e: unknown) => {
          assert.ok(e instanceof RegistryError, String(e));
          assert.equal(e.code, code);
          assert.match(e.message, message);
          assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/v0\.1\/servers\?limit=100&version=latest/);
          return true;
        });
      } finally {
        reg.mode = 'ok';
      }
      if (mode === 'slow') assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    });
  }

  test('a refused connection is unreachable; more entries than the cap is too_many', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(
      collect(`http://127.0.0.1:${port}`),
      (e: RegistryError) => e.code === 'unreachable' && /ECONNREFUSED/.test(e.message),
    );
    await assert.rejects(
      collect(reg.url, { pageSize: 5, maxEntries: 8 }),
      (e: RegistryError) => e.code === 'too_many' && /more than 8 entries/.test(e.message),
    );
  });

  test('a malformed entry is counted and left out; the rest of the page is read', async () => {
    const odd = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          servers: [
            {
              server: {
                name: 'com.example/ok',
                version: '1',
                remotes: [{ type: 'sse', url: 'https://ok/sse' }],
              },
            },
            { server: { description: 'no name' } },
            'a string',
            {
              server: { name: 'com.example/odd-remote', remotes: [{ type: 'stdio' }, 'x', { type: 'sse' }] },
            },
          ],
          metadata: { count: 4 },
        }),
      );
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    try {
      const [page] = await collect(`http://127.0.0.1:${(odd.address() as AddressInfo).port}`);
      assert.equal(page?.invalid, 2);
      assert.deepEqual(
        page?.entries.map((e) => [e.name, e.status, e.isLatest, e.remotes.length, e.otherRemotes]),
        [
          ['com.example/ok', 'active', true, 1, 0],
          ['com.example/odd-remote', 'active', true, 0, 3],
        ],
      );
    } finally {
      odd.closeAllConnections();
      await new Promise<void>((r) => odd.close(() => r()));
    }
  });
});
