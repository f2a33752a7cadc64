/** Public status pages: HTML without JavaScript, Statuspage JSON shapes, the Atom feed, SVG badges, what stays private. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/web/app.js';
import { stored } from '../store/sample.js';
import { createSeededView, IDS } from './seed.js';
import { TestMonitorView } from './test-view.js';
import { assertNoSecrets, assertProblem, auth, seededApp, type TestApp } from './helpers.js';
import { statuspageValidators, type StatuspageDocument } from './statuspage-schemas.js';
import { childElements, parseXml, textOf, type XmlElement } from './xml.js';

let t: TestApp;
before(async () => {
  t = await seededApp();
  // Human text with markup, to prove it is escaped everywhere it is shown.
  await t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${IDS.p2}/updates`,
    headers: auth(t.adminToken),
    payload: { status: 'monitoring', message: 'Switched provider <script>alert("x")</script> & watching' },
  });
});
after(async () => {
  await t.app.close();
});

describe('status page HTML', () => {
  it('shows each listed server, a 90-day bar with per-day tooltips, and works without scripts', async () => {
    const res = await t.app.inject({ url: '/status/public' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const html = res.body;
    assert.ok(!/<script/i.test(html), 'no script at all on the public page');
    for (const s of ['docs-search', 'billing-tools', 'weather'])
      assert.ok(html.includes(`data-server="${s}"`), s);
    assert.ok(!html.includes('internal-admin'), 'servers not listed stay private');
    const bars = [...html.matchAll(/<svg class="bars"[^>]*data-days="(\d+)"/g)];
    assert.equal(bars.length, 3);
    assert.ok(bars.every((m) => m[1] === '90'));
    const days = [...html.matchAll(/<rect [^>]*><title>(\d{4}-\d\d-\d\d)([^<]*)<\/title>/g)];
    assert.equal(days.length, 270);
    assert.equal(days[89]![1], '2025-06-15');
    assert.equal(days[0]![1], '2025-03-18');
    const outage = days.find((d) => d[1] === '2025-06-05')!;
    assert.match(outage[2]!, /^: 9\d\.\d\d% available, \d+ of \d+ probes failed \(http/);
    assert.match(outage[2]!, /Incident: docs-search unavailable/);
  });

  it('shows an open P1 as "Investigating" and the overall status', async () => {
    const html = (await t.app.inject({ url: '/status/public' })).body;
    assert.match(
      html,
      /billing-tools unavailable\s*<span class="pill s-investigating" data-incident-status="investigating">Investigating<\/span>/,
    );
    assert.match(html, /data-indicator="critical">Major Service Outage</);
    assert.match(html, /data-status="major_outage">Major outage</);
  });

  it('escapes human text and shows published postmortems and maintenance', async () => {
    const html = (await t.app.inject({ url: '/status/public' })).body;
    assert.ok(
      html.includes('Switched provider &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; watching'),
    );
    assert.ok(!html.includes('<script>alert'));
    assert.ok(html.includes('A configuration change pointed the search backend at a retired index.'));
    assert.ok(html.includes('Weather database upgrade'));
  });

  it('never shows probe messages, addresses, URLs or secrets', async () => {
    const res = await t.app.inject({ url: '/status/public' });
    assertNoSecrets(res);
    for (const internal of ['203.0.113.9', 'ECONNREFUSED', 'example.com/mcp', 'consecutive failures']) {
      assert.ok(!res.body.includes(internal), internal);
    }
  });

  it('404s an unknown page (HTML for browsers, problem+json otherwise)', async () => {
    assertProblem(await t.app.inject({ url: '/status/nope' }), 404);
    const browser = await t.app.inject({ url: '/status/nope', headers: { accept: 'text/html' } });
    assert.equal(browser.statusCode, 404);
    assert.match(String(browser.headers['content-type']), /^text\/html/);
  });
});

describe('status page regions (issue 11)', () => {
  const MIN = 60_000;
  /** The rows of one server's region table: region, state, label and the p95 shown. */
  function regionRows(html: string, server: string): string[][] {
    const start = html.indexOf(`data-server="${server}"`);
    assert.ok(start >= 0, server);
    const end = html.indexOf('<div class="component"', start);
    const block = html.slice(start, end < 0 ? undefined : end);
    return [
      ...block.matchAll(
        /<tr data-region="([^"]*)">\s*<td>([^<]*)<\/td>\s*<td>\s*<span class="pill s-[a-z]+" data-region-state="([a-z]+)"\s*>([^<]*)<\/span\s*>\s*<\/td>\s*<td class="num" data-p95="(\d*)">([^<]*)<\/td>/g,
      ),
    ].map((m) => m.slice(1));
  }

  /** The seeded view, with `server` probed from `regions`. */
  async function regionalView(server: string, regions: string[]) {
    const seeded = await createSeededView();
    const config = seeded.view.config();
    const view = new TestMonitorView({
      config: {
        ...config,
        servers: config.servers.map((s) => (s.name === server ? { ...s, regions } : s)),
      },
      store: seeded.store,
      now: () => seeded.now,
    });
    return { seeded, view };
  }

  it('a server probed from local and eu shows both regions, eu failing, each with its p95; one-region servers show none', async () => {
    const { seeded, view } = await regionalView('docs-search', ['local', 'eu']);
    // eu: ok at 300 ms for the hour, then its last three probes fail (the 5xx message must stay private).
    await seeded.store.writeResults(
      Array.from({ length: 60 }, (_, i) => {
        const at = seeded.now - 60 * MIN + i * MIN;
        const row =
          i < 57
            ? stored('docs-search', 'eu', at, { durationMs: 300 })
            : stored('docs-search', 'eu', at, { failLayer: 'http', code: 'status_5xx' });
        if (!row.ok) row.result.failure!.message = 'HTTP 503 from eu-backend.internal';
        return row;
      }),
    );
    const app = buildApp(view);
    await app.ready();
    try {
      const res = await app.inject({ url: '/status/public' });
      assert.equal(res.statusCode, 200);
      const rows = regionRows(res.body, 'docs-search');
      assert.deepEqual(
        rows.map(([region, shown, state, label]) => [region, shown, state, label]),
        [
          ['local', 'local', 'up', 'Up'],
          ['eu', 'eu', 'failing', 'Failing'],
        ],
      );
      const [local, eu] = rows.map((r) => Number(r[4]));
      // local's ok probes took 110–164 ms, eu's 300 ms (p95 from the rollup histograms).
      assert.ok(local! >= 150 && local! <= 180, `local p95 ${local}`);
      assert.ok(eu! >= 290 && eu! <= 320, `eu p95 ${eu}`);
      assert.equal(rows[1]![5], `${eu} ms`);
      for (const single of ['billing-tools', 'weather']) assert.deepEqual(regionRows(res.body, single), []);
      assert.equal((res.body.match(/<table class="regions/g) ?? []).length, 1, 'one region table');
      assert.ok(!/<script|style=/i.test(res.body), 'no inline script or style');
      for (const internal of ['eu-backend.internal', 'agent online', 'agent offline']) {
        assert.ok(!res.body.includes(internal), internal);
      }
    } finally {
      await app.close();
    }
  });

  it('escapes region names', async () => {
    const { view } = await regionalView('weather', ['local', '<b>eu</b>']);
    const app = buildApp(view);
    await app.ready();
    try {
      const html = (await app.inject({ url: '/status/public' })).body;
      assert.ok(!html.includes('<b>eu</b>'));
      assert.deepEqual(
        regionRows(html, 'weather').map((r) => r.slice(0, 4)),
        [
          ['local', 'local', 'up', 'Up'],
          ['&lt;b&gt;eu&lt;/b&gt;', '&lt;b&gt;eu&lt;/b&gt;', 'unknown', 'No data yet'],
        ],
      );
    } finally {
      await app.close();
    }
  });
});

describe('Statuspage-compatible JSON', () => {
  const validators = statuspageValidators();
  for (const doc of Object.keys(validators) as StatuspageDocument[]) {
    it(`/api/v2/${doc} matches the documented shape`, async () => {
      const res = await t.app.inject({ url: `/status/public/api/v2/${doc}` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      const validate = validators[doc];
      assert.ok(validate(res.json()), JSON.stringify(validate.errors, null, 1));
      assertNoSecrets(res);
    });
  }

  it('summary lists unresolved incidents only; incidents.json lists history', async () => {
    const summary = (await t.app.inject({ url: '/status/public/api/v2/summary.json' })).json<{
      incidents: { id: string; status: string; impact: string }[];
      status: { indicator: string };
      scheduled_maintenances: { status: string; scheduled_for: string }[];
    }>();
    assert.deepEqual(
      summary.incidents.map((i) => `${i.id}:${i.status}:${i.impact}`),
      [`${IDS.p1}:investigating:critical`, `${IDS.p2}:monitoring:major`],
    );
    assert.equal(summary.status.indicator, 'critical');
    assert.deepEqual(
      summary.scheduled_maintenances.map((m) => m.status),
      ['scheduled'],
    );
    const incidents = (await t.app.inject({ url: '/status/public/api/v2/incidents.json' })).json<{
      incidents: { id: string; postmortem_body: string | null }[];
    }>();
    assert.equal(incidents.incidents.length, 3);
    assert.match(incidents.incidents[2]!.postmortem_body!, /^What happened: /);
  });

  it('404s unknown pages as problem+json', async () => {
    assertProblem(await t.app.inject({ url: '/status/nope/api/v2/summary.json' }), 404);
  });
});

describe('Atom feed', () => {
  it('is well-formed Atom with id, title, updated and one entry per incident', async () => {
    const res = await t.app.inject({ url: '/status/public/feed.atom' });
    assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
    const feed = parseXml(res.body);
    assert.equal(feed.name, 'feed');
    assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
    const one = (el: XmlElement, name: string) => {
      const found = childElements(el, name);
      assert.equal(found.length, 1, `exactly one <${name}> in <${el.name}>`);
      return found[0]!;
    };
    assert.match(textOf(one(feed, 'id')), /^http:\/\/status\.example\.test\/status\/public$/);
    assert.ok(textOf(one(feed, 'title')).length > 0);
    assert.ok(!Number.isNaN(Date.parse(textOf(one(feed, 'updated')))));
    assert.ok(
      childElements(feed, 'author').length === 1 ||
        childElements(feed, 'entry').every((e) => childElements(e, 'author').length),
    );
    assert.ok(childElements(feed, 'link').some((l) => l.attrs.rel === 'self'));
    const entries = childElements(feed, 'entry');
    assert.equal(entries.length, 3);
    const ids = new Set<string>();
    for (const e of entries) {
      ids.add(textOf(one(e, 'id')));
      assert.ok(textOf(one(e, 'title')).length > 0);
      assert.match(textOf(one(e, 'updated')), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.equal(one(e, 'content').attrs.type, 'html');
    }
    assert.equal(ids.size, 3);
    const p2 = entries.find((e) => textOf(one(e, 'title')).startsWith('Degraded performance of weather'))!;
    assert.ok(
      textOf(one(p2, 'content')).includes('&lt;script&gt;'),
      'the HTML content escapes the human text',
    );
  });
});

describe('badges', () => {
  const svgOf = async (url: string): Promise<XmlElement> => {
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /^image\/svg\+xml/);
    const root = parseXml(res.body);
    assert.equal(root.name, 'svg');
    assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.ok(Number(root.attrs.width) > 0 && Number(root.attrs.height) > 0);
    return root;
  };
  const label = (svg: XmlElement) => textOf(childElements(svg, 'title')[0]!);

  it('status, uptime and p95 badges are valid SVG saying the right thing', async () => {
    assert.equal(label(await svgOf('/badge/docs-search/status.svg')), 'docs-search: operational');
    assert.equal(label(await svgOf('/badge/billing-tools/status.svg')), 'billing-tools: down');
    assert.equal(label(await svgOf('/badge/weather/status.svg')), 'weather: partial outage');
    assert.match(label(await svgOf('/badge/docs-search/uptime.svg?window=30d')), /^uptime 30d: 99\.\d+%$/);
    assert.match(label(await svgOf('/badge/docs-search/uptime.svg')), /^uptime 30d: /);
    assert.match(label(await svgOf('/badge/docs-search/uptime.svg?window=24h')), /^uptime 24h: 100\.00%$/);
    assert.match(label(await svgOf('/badge/docs-search/p95.svg')), /^p95 24h: \d+ ms$/);
  });

  it('404s servers that are on no status page, and bad windows are 400', async () => {
    for (const kind of ['status', 'uptime', 'p95']) {
      assertProblem(await t.app.inject({ url: `/badge/internal-admin/${kind}.svg` }), 404);
      assertProblem(await t.app.inject({ url: `/badge/ghost/${kind}.svg` }), 404);
    }
    assertProblem(await t.app.inject({ url: '/badge/docs-search/uptime.svg?window=forever' }), 400);
  });
});
