/** The `agent` scope: the agent routes take agent tokens only, and an agent token opens nothing else. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_ROUTES } from '../../src/web/api/index.js';
import { API_PREFIX } from '../../src/web/api/route.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { assertProblem, auth, samplePath, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
let agentToken: string;
before(async () => {
  t = await seededApp();
  agentToken = (await new TokenStore(t.store).create('eu-agent', 'agent')).token;
});
after(async () => {
  await t.app.close();
  await t.store.close();
});

const agentRoutes = API_ROUTES.filter((r) => r.access === 'agent');
const otherRoutes = API_ROUTES.filter((r) => r.access === 'read' || r.access === 'admin');
let address = 0;
const fresh = () => `10.9.${Math.floor(++address / 250)}.${address % 250}`;

const sample = {
  '/agent/assignments': { url: '/agent/assignments?region=eu' },
  '/agent/results': { payload: { region: 'eu', agentId: 'a1', results: [] } },
} as Record<string, { url?: string; payload?: unknown }>;

describe('token scope agent', () => {
  it('has exactly the two agent routes', () => {
    assert.deepEqual(
      agentRoutes.map((r) => `${r.method} ${r.path}`),
      ['GET /agent/assignments', 'POST /agent/results'],
    );
  });

  for (const route of agentRoutes) {
    for (const who of ['read', 'admin'] as const) {
      it(`${route.method} ${route.path} refuses a ${who} token (403, scope="agent")`, async () => {
        const s = sample[route.path]!;
        const res = await t.app.inject({
          method: route.method,
          url: API_PREFIX + (s.url ?? route.path),
          headers: auth(who === 'read' ? t.readToken : t.adminToken),
          ...(s.payload ? { payload: s.payload as object } : {}),
          remoteAddress: fresh(),
        });
        assert.equal(assertProblem(res, 403).type, 'urn:mcpwatch:problem:forbidden');
        assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope", scope="agent"/);
      });
    }
    it(`${route.method} ${route.path} lets an agent token through (this view has no hub: 404)`, async () => {
      const s = sample[route.path]!;
      const res = await t.app.inject({
        method: route.method,
        url: API_PREFIX + (s.url ?? route.path),
        headers: auth(agentToken),
        ...(s.payload ? { payload: s.payload as object } : {}),
        remoteAddress: fresh(),
      });
      assert.match(assertProblem(res, 404).detail, /does not take regional agents/);
    });
  }

  it('an agent token is refused by every read and admin route (403)', async () => {
    assert.ok(otherRoutes.length > 30);
    for (const route of otherRoutes) {
      const res = await t.app.inject({
        method: route.method,
        url: API_PREFIX + samplePath(route.path),
        headers: auth(agentToken),
        remoteAddress: fresh(),
      });
      assert.equal(res.statusCode, 403, `${route.method} ${route.path}: ${res.statusCode} ${res.body}`);
    }
  });

  it('POST /tokens creates an agent token; the dashboard login refuses it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${API_PREFIX}/tokens`,
      headers: auth(t.adminToken),
      payload: { name: 'us-agent', scope: 'agent' },
      remoteAddress: fresh(),
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ scope: string; token: string }>();
    assert.equal(body.scope, 'agent');
    assert.match(body.token, /^mcpw_[0-9a-f]{12}_/);
    const login = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(body.token)}`,
      remoteAddress: fresh(),
    });
    assert.equal(login.statusCode, 403);
    assert.match(login.body, /regional agent/);
  });

  it('/mcp refuses an agent token (403)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...auth(agentToken), accept: 'application/json, text/event-stream' },
      payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      remoteAddress: fresh(),
    });
    assert.equal(res.statusCode, 403);
  });
});
