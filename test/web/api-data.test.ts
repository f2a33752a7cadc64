/** Results (filters, keyset paging), stats and series, tool surfaces and diffs, warnings, SLO, maintenance, status pages, channels. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoSecrets, assertProblem, auth, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
before(async () => {
  t = await seededApp();
});
after(async () => {
  await t.app.close();
});

const get = (url: string) => t.app.inject({ url, headers: auth(t.readToken) });

describe('probe results', () => {
  it('pages newest first with an opaque cursor until next is null', async () => {
    const seen = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(
        `/api/v1/results?server=docs-search&limit=25${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(res.statusCode, 200);
      const body = res.json<{ items: { id: number; at: number; server: string }[]; next: string | null }>();
      for (let i = 1; i < body.items.length; i++) assert.ok(body.items[i]!.id < body.items[i - 1]!.id);
      for (const r of body.items) {
        assert.equal(r.server, 'docs-search');
        assert.ok(!seen.has(r.id));
        seen.add(r.id);
      }
      cursor = body.next;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(seen.size, 60);
    assert.equal(pages, 3);
  });

  it('filters failed probes and explains them; time filters apply', async () => {
    const res = await get('/api/v1/results?server=billing-tools&failed=true');
    const { items } = res.json<{
      items: { ok: boolean; explanation: string; result: { failure: { code: string; message: string } } }[];
    }>();
    assert.equal(items.length, 5);
    assert.ok(items.every((r) => !r.ok && r.result.failure.code === 'connect_refused'));
    assert.match(items[0]!.explanation, /Nothing is listening/);
    const since = t.now - 10 * 60_000;
    const recent = (await get(`/api/v1/results?server=docs-search&since=${since}`)).json<{
      items: { at: number }[];
    }>();
    assert.ok(recent.items.length === 10 && recent.items.every((r) => r.at >= since));
    const weather = await get('/api/v1/results?server=weather&limit=5');
    assertNoSecrets(weather);
  });

  it('refuses bad filters and cursors with 400, unknown servers with 404', async () => {
    assertProblem(await get('/api/v1/results?limit=0'), 400);
    assertProblem(await get('/api/v1/results?limit=5000'), 400);
    assertProblem(await get('/api/v1/results?cursor=bm9wZQ'), 400);
    assertProblem(await get('/api/v1/results?color=blue'), 400);
    assertProblem(await get('/api/v1/results?server=ghost'), 404);
  });
});

describe('stats and series', () => {
  it('gives per-layer error rates and latency percentiles for chosen windows', async () => {
    const res = await get('/api/v1/servers/billing-tools/stats?windows=5m,1h,90m,7d');
    assert.equal(res.statusCode, 200);
    const { windows } = res.json<{
      windows: {
        window: string;
        total: number;
        errorRate: number;
        errorRateByLayer: Record<string, number>;
        latencyMs: Record<string, { p95: number }>;
      }[];
    }>();
    assert.deepEqual(
      windows.map((w) => w.window),
      ['5m', '1h', '90m', '7d'],
    );
    assert.equal(windows[0]!.errorRate, 1);
    assert.equal(windows[0]!.errorRateByLayer.transport, 1);
    assert.equal(windows[0]!.errorRateByLayer.http, 0);
    assert.ok(windows[1]!.total >= 60 && windows[3]!.total > 1000);
    assert.ok(windows[3]!.latencyMs.total!.p95! > 0 && windows[3]!.latencyMs.http!.p95! > 0);
  });

  it('refuses windows that are not durations between 1m and 400d', async () => {
    assertProblem(await get('/api/v1/servers/docs-search/stats?windows=5x'), 400);
    assertProblem(await get('/api/v1/servers/docs-search/stats?windows=10s'), 400);
    assertProblem(await get('/api/v1/servers/docs-search/stats?windows=999d'), 400);
    assertProblem(await get('/api/v1/servers/ghost/stats'), 404);
  });

  it('gives evenly spaced series for charts', async () => {
    const res = await get('/api/v1/servers/docs-search/series?window=7d&points=84');
    const s = res.json<{ stepMs: number; granularity: string; points: { at: number }[] }>();
    assert.equal(s.granularity, 'hour');
    assert.equal(s.stepMs, 2 * 3_600_000);
    assert.ok(s.points.length >= 84 && s.points.length <= 86);
    for (let i = 1; i < s.points.length; i++) assert.equal(s.points[i]!.at - s.points[i - 1]!.at, s.stepMs);
  });
});

describe('tool surfaces', () => {
  it('lists surfaces and diffs the latest two by default', async () => {
    const list = (await get('/api/v1/servers/docs-search/surfaces')).json<{ items: { id: number }[] }>();
    assert.deepEqual(
      list.items.map((s) => s.id),
      [2, 1],
    );
    const diff = (await get('/api/v1/servers/docs-search/surfaces/diff')).json<{
      added: string[];
      removed: string[];
      changed: { name: string; changes: { description: string; breaking: boolean }[] }[];
      breaking: boolean;
      versionUnchanged: boolean;
    }>();
    assert.deepEqual(diff.added, ['get_page']);
    assert.deepEqual(diff.removed, ['list_sections']);
    assert.equal(diff.changed[0]!.name, 'search_docs');
    const texts = diff.changed[0]!.changes.map((c) => c.description);
    assert.ok(texts.includes('q became required'), texts.join(' | '));
    assert.ok(texts.includes('type of limit changed from "integer" to "string"'), texts.join(' | '));
    assert.ok(texts.includes('argument lang added'), texts.join(' | '));
    assert.equal(diff.breaking, true);
    assert.equal(diff.versionUnchanged, true);
  });

  it('diffs any two surfaces and shows one with its tools', async () => {
    const back = (await get('/api/v1/servers/docs-search/surfaces/diff?from=2&to=1')).json<{
      added: string[];
    }>();
    assert.deepEqual(back.added, ['list_sections']);
    const one = (await get('/api/v1/servers/docs-search/surfaces/1')).json<{ tools: { name: string }[] }>();
    assert.deepEqual(
      one.tools.map((x) => x.name),
      ['search_docs', 'list_sections'],
    );
    assertProblem(await get('/api/v1/servers/billing-tools/surfaces/1'), 404);
    assertProblem(await get('/api/v1/servers/docs-search/surfaces/99'), 404);
    assertProblem(await get('/api/v1/servers/billing-tools/surfaces/diff'), 409);
    assertProblem(await get('/api/v1/servers/docs-search/surfaces/diff?from=x'), 400);
  });
});

describe('warnings, SLO, maintenance, status pages, channels', () => {
  it('lists warnings with filters', async () => {
    const w = (await get('/api/v1/warnings?active=true&server=weather')).json<{
      items: { rule: string }[];
    }>();
    assert.deepEqual(
      w.items.map((x) => x.rule),
      ['cert_expiring'],
    );
    assert.equal((await get('/api/v1/warnings?active=false')).json<{ items: unknown[] }>().items.length, 0);
  });

  it('gives SLO budget, consumption, burn rates and projection', async () => {
    const all = (await get('/api/v1/slo')).json<{
      items: { server: string; slo: Record<string, unknown> }[];
    }>();
    assert.equal(all.items.length, 4);
    const one = (await get('/api/v1/servers/billing-tools/slo')).json<{
      slo: {
        target: number;
        budget: number;
        burnRates: Record<string, number | null>;
        projectedExhaustionAt: number | null;
      };
    }>();
    assert.equal(one.slo.target, 99.9);
    assert.ok(Math.abs(one.slo.budget - 0.001) < 1e-9);
    assert.ok((one.slo.burnRates['1h'] ?? 0) > 14.4);
    assert.ok(one.slo.projectedExhaustionAt === null || one.slo.projectedExhaustionAt > t.now);
    assertProblem(await get('/api/v1/servers/ghost/slo'), 404);
  });

  it('schedules and cancels maintenance; config windows cannot be cancelled here', async () => {
    const admin = auth(t.adminToken);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/maintenance',
      headers: admin,
      payload: {
        servers: ['docs-search'],
        start: '2025-06-20T00:00:00Z',
        end: '2025-06-20T02:00:00Z',
        title: 'Reindex',
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const w = created.json<{ id: string; source: string; excludeFromSlo: boolean }>();
    assert.equal(w.source, 'api');
    assert.equal(w.excludeFromSlo, true);
    const list = (await get('/api/v1/maintenance')).json<{ items: { id: string; source: string }[] }>();
    assert.deepEqual(
      list.items.map((x) => `${x.id}:${x.source}`),
      ['mw-weather-db:config', `${w.id}:api`],
    );
    const bad = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/maintenance', headers: admin, payload });
    assertProblem(
      await bad({ servers: ['ghost'], start: '2025-06-20T00:00:00Z', end: '2025-06-20T02:00:00Z' }),
      400,
    );
    assertProblem(
      await bad({ servers: 'all', start: '2025-06-20T03:00:00Z', end: '2025-06-20T02:00:00Z' }),
      400,
    );
    assertProblem(await bad({ servers: 'all', start: 'tomorrow', end: '2025-06-20T02:00:00Z' }), 400);
    assertProblem(
      await t.app.inject({ method: 'DELETE', url: '/api/v1/maintenance/mw-weather-db', headers: admin }),
      409,
    );
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/maintenance/${w.id}`, headers: admin }))
        .statusCode,
      204,
    );
    assertProblem(
      await t.app.inject({ method: 'DELETE', url: `/api/v1/maintenance/${w.id}`, headers: admin }),
      404,
    );
  });

  it('describes status pages and channel health', async () => {
    const pages = (await get('/api/v1/status-pages')).json<{ items: { slug: string; url: string }[] }>();
    assert.deepEqual(
      pages.items.map((p) => p.url),
      ['http://status.example.test/status/public'],
    );
    const one = (await get('/api/v1/status-pages/public')).json<{
      status: { indicator: string };
      components: { id: string; status: string }[];
    }>();
    assert.equal(one.status.indicator, 'critical');
    assert.equal(one.components.find((c) => c.id === 'billing-tools')?.status, 'major_outage');
    assertProblem(await get('/api/v1/status-pages/nope'), 404);
    const channels = await get('/api/v1/channels');
    assert.equal(channels.json<{ items: { name: string }[] }>().items[0]!.name, 'pager');
    assert.ok(!channels.body.includes('0123456789abcdef0123456789abcdef'));
  });

  it('answers unknown API paths with a problem+json 404', async () => {
    assertProblem(await get('/api/v1/nothing-here'), 404);
    assertProblem(await t.app.inject({ url: '/nothing' }), 404);
  });
});
