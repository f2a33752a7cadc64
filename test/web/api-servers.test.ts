/** /api/v1/servers: list, show, add, change, remove, pause/resume, probe now; validation and secrets. */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { assertNoSecrets, assertProblem, auth, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await seededApp();
});
after(async () => {
  await t.app.close();
});

const admin = () => auth(t.adminToken);

describe('servers API', () => {
  it('lists servers with summaries and no secret (header values, URL keys)', async () => {
    const res = await t.app.inject({ url: '/api/v1/servers', headers: auth(t.readToken) });
    assert.equal(res.statusCode, 200);
    const { items } = res.json<{
      items: { name: string; url: string; headers: string[]; summary: { state: string } }[];
    }>();
    assert.deepEqual(
      items.map((s) => s.name),
      ['docs-search', 'billing-tools', 'weather', 'internal-admin'],
    );
    const docs = items[0]!;
    assert.deepEqual(docs.headers, ['Authorization']);
    assert.equal(docs.url, 'https://mcp.example.com/mcp/[redacted]/sse');
    assert.equal(items[2]!.url, 'https://weather.example.com/mcp?key=[redacted]');
    assert.equal(items[1]!.summary.state, 'down');
    assertNoSecrets(res, [t.readToken, t.adminToken]);
  });

  it('shows one server in the shape of `status --json` plus dashboard fields', async () => {
    const res = await t.app.inject({ url: '/api/v1/servers/billing-tools', headers: auth(t.readToken) });
    const s = res.json<{
      summary: Record<string, unknown> & { errorRate: Record<string, unknown>; slo: Record<string, unknown> };
    }>().summary;
    for (const k of [
      'server',
      'state',
      'failure',
      'errorRate',
      'p95Ms',
      'slo',
      'errorRateByLayer',
      'latencyMs',
      'openIncidentId',
      'lastProbe',
    ]) {
      assert.ok(k in s, k);
    }
    for (const w of ['5m', '15m', '1h', '24h', '30d']) assert.ok(w in s.errorRate, w);
    assert.deepEqual(s.failure, { layer: 'transport', code: 'connect_refused' });
    assert.ok('target' in s.slo && 'remainingBudget' in s.slo && 'burnRates' in s.slo);
  });

  it('404s an unknown server and 400s a bad name', async () => {
    assertProblem(await t.app.inject({ url: '/api/v1/servers/nope', headers: admin() }), 404);
    assertProblem(await t.app.inject({ url: '/api/v1/servers/Bad_Name', headers: admin() }), 400);
  });

  it('adds a server (201), refuses a duplicate (409) and invalid bodies (400)', async () => {
    const add = (payload: unknown) =>
      t.app.inject({ method: 'POST', url: '/api/v1/servers', headers: admin(), payload: payload as object });
    const ok = await add({
      name: 'new-one',
      url: 'https://new.example.com/mcp',
      tags: ['beta'],
      headers: { 'X-Key': 'zzz-secret-value' },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json<{ name: string }>().name, 'new-one');
    assert.ok(!ok.body.includes('zzz-secret-value'));
    assert.ok(t.view.servers().some((s) => s.name === 'new-one'));
    assertProblem(await add({ name: 'new-one', url: 'https://x.example.com/mcp' }), 409);
    const missing = assertProblem(await add({ name: 'x' }), 400);
    assert.match(missing.detail, /url/);
    const unknown = assertProblem(await add({ name: 'y', url: 'https://y.example.com', colour: 'red' }), 400);
    assert.match(unknown.detail, /colour/);
    assertProblem(await add({ name: 'Upper', url: 'https://y.example.com' }), 400);
    assertProblem(await add({ name: 'z', url: 'ftp://y.example.com' }), 400);
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assertProblem(badJson, 400);
    const proto = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"name":"p","url":"https://p.example.com","__proto__":{"x":1}}',
    });
    assertProblem(proto, 400);
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: { ...admin(), 'content-type': 'text/plain' },
      payload: 'hi',
    });
    assertProblem(wrongType, 415);
  });

  it('changes, pauses, resumes and removes a server', async () => {
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/servers/weather',
      headers: admin(),
      payload: { tags: ['public'] },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.deepEqual(patch.json<{ tags: string[] }>().tags, ['public']);
    assertProblem(
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/weather',
        headers: admin(),
        payload: { name: 'other' },
      }),
      400,
    );
    assertProblem(
      await t.app.inject({ method: 'PATCH', url: '/api/v1/servers/weather', headers: admin(), payload: {} }),
      400,
    );
    assertProblem(
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/ghost',
        headers: admin(),
        payload: { tags: [] },
      }),
      404,
    );
    const paused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers/weather/pause',
      headers: admin(),
    });
    assert.equal(paused.json<{ paused: boolean }>().paused, true);
    const resumed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers/weather/resume',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(resumed.json<{ paused: boolean }>().paused, false);
    assertProblem(
      await t.app.inject({ method: 'POST', url: '/api/v1/servers/ghost/pause', headers: admin() }),
      404,
    );
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: '/api/v1/servers/weather', headers: admin() })).statusCode,
      204,
    );
    assertProblem(
      await t.app.inject({ method: 'DELETE', url: '/api/v1/servers/weather', headers: admin() }),
      404,
    );
  });

  it('probes now and returns the result with the URL redacted', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers/docs-search/probe',
      headers: admin(),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json<{ result: { ok: boolean; url: string }; explanation: string | null }>();
    assert.equal(body.result.ok, true);
    assert.equal(body.explanation, null);
    assert.equal(body.result.url, 'https://mcp.example.com/mcp/[redacted]/sse');
    assertNoSecrets(res);
    assert.ok(t.view.calls.includes('probe docs-search'));
    assertProblem(
      await t.app.inject({ method: 'POST', url: '/api/v1/servers/ghost/probe', headers: admin() }),
      404,
    );
  });
});
