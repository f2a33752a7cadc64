/**
 * With `server.public: true`, a server whose URL is or resolves to a blocked address (loopback,
 * private, link-local, their IPv6 forms, documentation ranges) is refused when it is added or
 * changed through the API, not only at probe time. Names are resolved (localhost, from the hosts
 * file); no request is sent anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.js';
import { assertProblem, auth } from './helpers.js';
import { createSeededView, SEED_CONFIG_YAML, seedConfig, type Seeded } from './seed.js';
import { TestMonitorView } from './test-view.js';

const PUBLIC = SEED_CONFIG_YAML.replace('server: { port: 8080,', 'server: { port: 8080, public: true,');

describe('public monitor: blocked server URLs are refused at creation', () => {
  let seeded: Seeded;
  let view: TestMonitorView;
  let app: FastifyInstance;
  let privateApp: FastifyInstance;
  before(async () => {
    seeded = await createSeededView();
    view = new TestMonitorView({ config: seedConfig(PUBLIC), store: seeded.store, now: () => seeded.now });
    app = buildApp(view);
    privateApp = buildApp(seeded.view);
  });
  after(async () => {
    await app.close();
    await privateApp.close();
  });
  const post = (a: FastifyInstance, url: string, name = 'added') =>
    a.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: auth(seeded.adminToken),
      payload: { name, url },
    });

  for (const [url, address] of [
    ['http://127.0.0.1:9/mcp', '127.0.0.1'],
    ['http://localhost:9/mcp', null],
    ['http://[::1]:9/mcp', '::1'],
    ['http://[::ffff:7f00:1]/mcp', '::ffff:7f00:1'],
    ['http://[::7f00:1]/mcp', '::7f00:1'],
    ['http://[2002:a9fe:a9fe::]/mcp', '2002:a9fe:a9fe::'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://192.0.2.10/mcp', '192.0.2.10'],
    ['http://0x7f000001/mcp', '127.0.0.1'],
  ] as const)
    test(`POST ${url}: 400 naming the address`, async () => {
      const problem = assertProblem(await post(app, url), 400);
      assert.match(problem.detail, /^url: .* a private, loopback, link-local or reserved address/);
      if (address) assert.ok(problem.detail.includes(address), problem.detail);
      assert.deepEqual(
        (problem.problems as { path: string }[]).map((p) => p.path),
        ['url'],
      );
      assert.ok(!view.calls.some((c) => c.startsWith('add ')), view.calls.join());
    });

  test('PATCH to a blocked URL is refused too', async () => {
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/servers/weather',
      headers: auth(seeded.adminToken),
      payload: { url: 'http://127.0.0.1:9/mcp' },
    });
    assertProblem(res, 400);
    assert.ok(!view.calls.some((c) => c.startsWith('update-server ')), view.calls.join());
  });

  test('a public address literal is accepted (nothing is sent to it)', async () => {
    const res = await post(app, 'https://[2606:4700:4700::1111]/mcp', 'public-one');
    assert.equal(res.statusCode, 201, res.body);
  });

  test('without public mode, loopback is fine', async () => {
    const res = await post(privateApp, 'http://127.0.0.1:9/mcp', 'local-one');
    assert.equal(res.statusCode, 201, res.body);
  });
});
