/** Every API route refuses anonymous, unknown and under-privileged callers; the OpenAPI document lists every route. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_ROUTES } from '../../src/web/api/index.js';
import { API_PREFIX } from '../../src/web/api/route.js';
import { openApiPath } from '../../src/web/api/openapi.js';
import { registeredRoutes } from '../../src/web/app.js';
import { ensureFirstToken, TokenStore, TOKENS_KEY } from '../../src/web/auth/tokens.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { assertNoSecrets, assertProblem, auth, samplePath, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
before(async () => {
  t = await seededApp();
});
after(async () => {
  await t.app.close();
  await t.store.close();
});

const protectedRoutes = API_ROUTES.filter((r) => r.access !== 'public');
const adminRoutes = API_ROUTES.filter((r) => r.access === 'admin');
const readRoutes = API_ROUTES.filter((r) => r.access === 'read');
let address = 0;
/** A fresh client address, so failed-token counting never mixes tests. */
const fresh = () => `10.0.${Math.floor(++address / 250)}.${address % 250}`;

describe('API authentication and scopes', () => {
  it('has protected routes of both scopes', () => {
    assert.ok(adminRoutes.length >= 15, `${adminRoutes.length} admin routes`);
    assert.ok(readRoutes.length >= 15, `${readRoutes.length} read routes`);
  });

  for (const route of protectedRoutes) {
    const url = API_PREFIX + samplePath(route.path);
    it(`${route.method} ${route.path} refuses a call without a token (401)`, async () => {
      const res = await t.app.inject({ method: route.method, url, remoteAddress: fresh() });
      assertProblem(res, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="mcpwatch"/);
    });
    it(`${route.method} ${route.path} refuses an unknown token (401)`, async () => {
      const forged = `mcpw_${'0'.repeat(12)}_${'A'.repeat(43)}`;
      const res = await t.app.inject({
        method: route.method,
        url,
        headers: auth(forged),
        remoteAddress: fresh(),
      });
      assert.equal(assertProblem(res, 401).type, 'urn:mcpwatch:problem:unauthorized');
      assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
    });
    it(`${route.method} ${route.path} refuses a malformed Authorization header (401)`, async () => {
      const res = await t.app.inject({
        method: route.method,
        url,
        headers: { authorization: `Basic ${t.readToken}` },
        remoteAddress: fresh(),
      });
      assertProblem(res, 401);
    });
  }

  for (const route of adminRoutes) {
    it(`${route.method} ${route.path} refuses a read token (403)`, async () => {
      const url = API_PREFIX + samplePath(route.path);
      const res = await t.app.inject({ method: route.method, url, headers: auth(t.readToken), payload: {} });
      const p = assertProblem(res, 403);
      assert.match(p.detail, /admin/);
      assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
    });
  }

  for (const route of readRoutes) {
    it(`${route.method} ${route.path} admits a read token`, async () => {
      const url = API_PREFIX + samplePath(route.path, route.path.includes('surfaces/:id') ? { id: '2' } : {});
      const res = await t.app.inject({ method: route.method, url, headers: auth(t.readToken) });
      assert.ok(![401, 403].includes(res.statusCode), `${res.statusCode} ${res.body}`);
      assertNoSecrets(res, [t.readToken, t.adminToken]);
    });
  }

  it('counts failed tokens per address and prefix: 429 with Retry-After after 30 a minute', async () => {
    const remoteAddress = '192.0.2.77';
    const forged = `mcpw_${'1'.repeat(12)}_${'B'.repeat(43)}`;
    for (let n = 0; n < 30; n++) {
      assertProblem(
        await t.app.inject({ url: '/api/v1/servers', headers: auth(forged), remoteAddress }),
        401,
      );
    }
    const blocked = await t.app.inject({ url: '/api/v1/servers', headers: auth(forged), remoteAddress });
    assertProblem(blocked, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    // A real token from the same address is not locked out (test/web/auth-lockout.test.ts).
    const valid = await t.app.inject({ url: '/api/v1/servers', headers: auth(t.readToken), remoteAddress });
    assert.equal(valid.statusCode, 200);
  });

  it('authenticates before validating: an anonymous bad body is 401, not 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(res, 401);
  });
});

describe('OpenAPI document', () => {
  it('is public OpenAPI 3.1 and lists every registered /api/v1 route with its method', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    assert.equal(doc.openapi, '3.1.0');
    const api = registeredRoutes(t.app).filter((r) => r.url.startsWith(API_PREFIX) && r.method !== 'HEAD');
    assert.ok(api.length >= 30, `${api.length} API routes`);
    for (const r of api) {
      const path = openApiPath(r.url.slice(API_PREFIX.length));
      assert.ok(
        doc.paths[path]?.[r.method.toLowerCase()],
        `${r.method} ${r.url} missing from the OpenAPI document`,
      );
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const registered = new Set(api.map((r) => `${r.method} ${openApiPath(r.url.slice(API_PREFIX.length))}`));
    for (const op of documented) assert.ok(registered.has(op), `${op} is documented but not registered`);
  });

  it('marks each operation with its scope and documents problem responses', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { 'x-access': string; security: unknown[]; responses: Record<string, unknown> }>
      >;
    }>();
    const op = doc.paths['/api/v1/servers/{name}']!.delete!;
    assert.equal(op['x-access'], 'admin');
    assert.deepEqual(op.security, [{ bearer: ['admin'] }]);
    for (const status of ['204', '401', '403', '404']) assert.ok(op.responses[status], status);
  });
});

describe('tokens', () => {
  it('stores only sha256 hashes, never the token text', async () => {
    const stored = (await t.store.getMeta(TOKENS_KEY))!;
    assert.ok(!stored.includes(t.adminToken) && !stored.includes(t.readToken));
    assert.match(stored, /"hash":"[0-9a-f]{64}"/);
  });

  it('lists tokens without secrets, creates one shown once, revokes it', async () => {
    const list = await t.app.inject({ url: '/api/v1/tokens', headers: auth(t.adminToken) });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes('hash'));
    assertNoSecrets(list, [t.adminToken, t.readToken]);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: auth(t.adminToken),
      payload: { name: 'grafana', scope: 'read' },
    });
    assert.equal(created.statusCode, 201);
    const { token, id, scope } = created.json<{ token: string; id: string; scope: string }>();
    assert.equal(scope, 'read');
    assert.equal(
      (await t.app.inject({ url: '/api/v1/me', headers: auth(token) })).json<{ name: string }>().name,
      'grafana',
    );
    const again = await t.app.inject({ url: '/api/v1/tokens', headers: auth(t.adminToken) });
    assert.ok(!again.body.includes(token));
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth(t.adminToken) }))
        .statusCode,
      204,
    );
    assertProblem(
      await t.app.inject({ url: '/api/v1/me', headers: auth(token), remoteAddress: fresh() }),
      401,
    );
    assertProblem(
      await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth(t.adminToken) }),
      404,
    );
  });

  it('ensureFirstToken creates one admin token on the first start only', async () => {
    const store = openSqliteStore(':memory:');
    const first = await ensureFirstToken(store);
    assert.match(first!, /^mcpw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(await ensureFirstToken(store), null);
    const tokens = new TokenStore(store);
    assert.equal((await tokens.verify(first!))?.scope, 'admin');
    await tokens.revoke((await tokens.list())[0]!.id);
    assert.equal(await ensureFirstToken(store), null, 'revoking every token does not mint a new one');
    await store.close();
  });
});
