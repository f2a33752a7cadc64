/** The dashboard: login, session cookie, CSRF, scopes, pages, form actions, acknowledgement links, security headers. */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { redactLoggedUrl } from '../../src/web/app.js';
import { CSS_PATH, JS_PATH } from '../../src/web/assets.js';
import { IDS } from './seed.js';
import { assertNoSecrets, assertProblem, auth, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await seededApp({ loginLimit: { attempts: 5, windowMs: 60_000 } });
});
after(async () => {
  await t.app.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function login(token: string, next = '/'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/login',
    headers: FORM,
    payload: form({ token, next }),
  });
  assert.equal(res.statusCode, 303, res.body);
  const cookie = String(res.headers['set-cookie']);
  return cookie.split(';')[0]!;
}

const page = (url: string, cookie: string) => t.app.inject({ url, headers: { cookie, accept: 'text/html' } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function act(
  url: string,
  cookie: string,
  fields: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url, headers: { ...FORM, cookie, ...extra }, payload: form(fields) });
}

describe('login and sessions', () => {
  it('redirects pages to the login form and back after login', async () => {
    const res = await t.app.inject({ url: '/servers/docs-search?window=7d' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login?next=%2Fservers%2Fdocs-search%3Fwindow%3D7d');
    const login = await t.app.inject({ url: '/login?next=%2Fservers%2Fdocs-search' });
    assert.match(login.body, /name="next" value="\/servers\/docs-search"/);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: form({ token: t.adminToken, next: '/servers/docs-search' }),
    });
    assert.equal(ok.headers.location, '/servers/docs-search');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie that does not carry the token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: form({ token: t.adminToken }),
    });
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^mcpwatch_session=[^;]+; Path=\/; SameSite=Strict; Max-Age=43200; HttpOnly$/);
    assert.ok(!cookie.includes(t.adminToken) && !cookie.includes(t.adminToken.split('_')[2]!));
  });

  it('refuses unknown tokens without echoing them, and never redirects off-site', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: form({ token: 'mcpw_guess' }),
    });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /unknown or was revoked/);
    assert.ok(!res.body.includes('mcpw_guess'));
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: FORM,
        payload: form({ token: t.readToken, next }),
      });
      assert.equal(r.headers.location, '/', next);
    }
  });

  it('rate-limits failed logins per address with 429 and Retry-After; a real token still logs in', async () => {
    const attempt = (token: string, remoteAddress = '198.51.100.1') =>
      t.app.inject({ method: 'POST', url: '/login', headers: FORM, payload: form({ token }), remoteAddress });
    for (let n = 0; n < 5; n++) assert.equal((await attempt('nope')).statusCode, 401);
    const blocked = await attempt('nope');
    assertProblem(blocked, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal((await attempt(t.adminToken)).statusCode, 303);
    assert.equal((await attempt(t.adminToken, '198.51.100.2')).statusCode, 303);
  });

  it('refuses cross-origin logins and forged or expired cookies', async () => {
    const cross = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, origin: 'https://evil.example' },
      payload: form({ token: t.adminToken }),
    });
    assertProblem(cross, 403);
    const cookie = await login(t.adminToken);
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await page('/', forged)).statusCode, 303);
    t.advance(13 * 3_600_000);
    assert.equal((await page('/', cookie)).statusCode, 303, 'expired after 12 h');
  });

  it('ends sessions on logout and when the token is revoked', async () => {
    const cookie = await login(t.adminToken);
    const overview = await page('/', cookie);
    assert.equal(overview.statusCode, 200);
    const out = await act('/logout', cookie, { _csrf: csrfOf(overview.body) });
    assert.equal(out.statusCode, 303);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const readCookie = await login(t.readToken);
    const { items } = (await t.app.inject({ url: '/api/v1/tokens', headers: auth(t.adminToken) })).json<{
      items: { id: string; name: string }[];
    }>();
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${items.find((x) => x.name === 'reader')!.id}`,
      headers: auth(t.adminToken),
    });
    t.advance(3_000);
    assert.equal((await page('/', readCookie)).statusCode, 303);
  });
});

describe('pages', () => {
  it('renders the overview of every server from one summaries() call', async () => {
    const cookie = await login(t.readToken);
    let calls = 0;
    const original = t.view.summaries.bind(t.view);
    t.view.summaries = async () => {
      calls++;
      return original();
    };
    const res = await page('/', cookie);
    assert.equal(res.statusCode, 200);
    assert.equal(calls, 1);
    const rows = [...res.body.matchAll(/<tr data-name="([^"]+)" data-state="([^"]+)"/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    assert.deepEqual(rows, ['billing-tools:down', 'weather:degraded', 'docs-search:up', 'internal-admin:up']);
    assert.match(res.body, /transport · connect_refused/);
    const filtered = await page('/?state=down', cookie);
    assert.equal([...filtered.body.matchAll(/<tr data-name=/g)].length, 1);
    assertNoSecrets(res, [t.adminToken, t.readToken]);
  });

  it('renders a server: charts, rates per layer, SLO, TLS, probe log with explanations, drift', async () => {
    const cookie = await login(t.readToken);
    const res = await page('/servers/billing-tools?window=6h', cookie);
    assert.equal(res.statusCode, 200);
    const html = res.body;
    assert.equal([...html.matchAll(/<svg class="chart"/g)].length, 2);
    assert.match(html, /<option value="6h"\s+selected>/);
    assert.match(html, /Nothing is listening on that port/);
    assert.match(html, /id="slo"/);
    assert.match(html, /Expires in/);
    assert.ok(!html.includes('action="/servers/billing-tools/probe"'), 'read scope sees no actions');
    const docs = await page('/servers/docs-search', cookie);
    assert.match(
      docs.body,
      /type of limit changed from &quot;integer&quot; to &quot;string&quot; \(breaking\)/,
    );
    assert.match(docs.body, /tool <code>get_page<\/code> added/);
    const failed = await page('/servers/weather?failed=1', cookie);
    assert.ok([...failed.body.matchAll(/<tr class="failed">/g)].length > 0);
    assert.ok(![...failed.body.matchAll(/<tr class="">/g)].length);
    assertNoSecrets(docs);
    assertNoSecrets(failed);
    assert.equal((await page('/servers/ghost', cookie)).statusCode, 404);
  });

  it('renders incidents with timelines, and the postmortem editor for admins only', async () => {
    const read = await login(t.readToken);
    const inc = await page(`/incidents/${IDS.p1}`, read);
    assert.match(inc.body, /consecutive failures at transport/);
    assert.ok(!inc.body.includes('id="acknowledge"'));
    assert.equal((await page('/incidents', read)).statusCode, 200);
    const pmRead = await page(`/incidents/${IDS.resolved}/postmortem`, read);
    assert.ok(!pmRead.body.includes('<textarea'));
    const admin = await login(t.adminToken);
    assert.match((await page(`/incidents/${IDS.p1}`, admin)).body, /id="acknowledge"/);
    assert.match((await page(`/incidents/${IDS.resolved}/postmortem`, admin)).body, /<textarea name="why"/);
    assert.equal((await page(`/incidents/${IDS.p1}/postmortem`, admin)).statusCode, 409);
    assert.equal((await page('/incidents/ghost', admin)).statusCode, 404);
  });
});

describe('form actions', () => {
  it('acknowledges with a valid CSRF token and refuses without one', async () => {
    const cookie = await login(t.adminToken);
    const csrf = csrfOf((await page(`/incidents/${IDS.p1}`, cookie)).body);
    const url = `/incidents/${IDS.p1}/acknowledge`;
    assertProblem(await act(url, cookie, {}), 403);
    assertProblem(await act(url, cookie, { _csrf: 'x'.repeat(32) }), 403);
    assertProblem(await act(url, '', { _csrf: csrf }), 401);
    assertProblem(await act(url, cookie, { _csrf: csrf }, { origin: 'https://evil.example' }), 403);
    const ok = await act(url, cookie, { _csrf: csrf });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, `/incidents/${IDS.p1}`);
    const incident = await t.store.getIncident(IDS.p1);
    assert.equal(incident?.acknowledgedBy, 'token:alice');
  });

  it('refuses actions from a read-scope session (403) and answers browsers with an HTML error page', async () => {
    const cookie = await login(t.readToken);
    const csrf = csrfOf((await page('/', cookie)).body);
    assertProblem(await act(`/incidents/${IDS.p1}/acknowledge`, cookie, { _csrf: csrf }), 403);
    const browser = await act(
      `/incidents/${IDS.p1}/acknowledge`,
      cookie,
      { _csrf: csrf },
      { accept: 'text/html' },
    );
    assert.equal(browser.statusCode, 403);
    assert.match(String(browser.headers['content-type']), /^text\/html/);
    assert.equal((await t.store.getIncident(IDS.p1))?.acknowledgedAt, null);
  });

  it('posts updates, resolves, writes and publishes the postmortem', async () => {
    const cookie = await login(t.adminToken);
    const csrf = csrfOf((await page('/', cookie)).body);
    assertProblem(
      await act(`/incidents/${IDS.p2}/updates`, cookie, { _csrf: csrf, status: 'fixed', message: 'x' }),
      400,
    );
    assert.equal(
      (
        await act(`/incidents/${IDS.p2}/updates`, cookie, {
          _csrf: csrf,
          status: 'monitoring',
          message: 'Provider switched.',
        })
      ).statusCode,
      303,
    );
    assert.equal((await t.store.getIncident(IDS.p2))?.status, 'monitoring');
    assert.equal(
      (await act(`/incidents/${IDS.p2}/resolve`, cookie, { _csrf: csrf, message: '' })).statusCode,
      303,
    );
    assert.equal((await t.store.getIncident(IDS.p2))?.status, 'resolved');
    assertProblem(await act(`/incidents/${IDS.p2}/resolve`, cookie, { _csrf: csrf }), 409);
    const saved = await act(`/incidents/${IDS.p2}/postmortem`, cookie, {
      _csrf: csrf,
      why: 'The provider had an outage.',
      publish: '1',
    });
    assert.equal(saved.statusCode, 303);
    assert.match((await t.app.inject({ url: '/status/public' })).body, /The provider had an outage\./);
  });

  it('probes, pauses and resumes a server', async () => {
    const cookie = await login(t.adminToken);
    const csrf = csrfOf((await page('/', cookie)).body);
    assert.equal(
      (await act('/servers/weather/probe', cookie, { _csrf: csrf })).headers.location,
      '/servers/weather#log',
    );
    await act('/servers/weather/pause', cookie, { _csrf: csrf });
    assert.equal(t.view.servers().find((s) => s.name === 'weather')?.paused, true);
    await act('/servers/weather/resume', cookie, { _csrf: csrf });
    assert.equal(t.view.servers().find((s) => s.name === 'weather')?.paused, false);
    assert.equal((await act('/servers/ghost/pause', cookie, { _csrf: csrf })).statusCode, 404);
    assertProblem(await act('/servers/weather/pause', cookie, {}), 403);
  });
});

describe('acknowledgement links', () => {
  it('GET confirms without acknowledging or echoing the token; POST acknowledges', async () => {
    const token = t.view.ackToken(IDS.p1);
    const get = await t.app.inject({ url: `/ack/${token}` });
    assert.equal(get.statusCode, 200);
    assert.ok(!get.body.includes(token));
    assert.match(get.body, /<form method="post">/);
    assert.equal((await t.store.getIncident(IDS.p1))?.acknowledgedAt, null);
    const post = await t.app.inject({ method: 'POST', url: `/ack/${token}` });
    assert.equal(post.statusCode, 200);
    assert.match(post.body, /Acknowledged at/);
    assert.equal((await t.store.getIncident(IDS.p1))?.acknowledgedBy, 'ack-link');
  });

  it('404s forged and expired links', async () => {
    assert.equal(
      (await t.app.inject({ url: '/ack/v1.abc.1.def', headers: { accept: 'text/html' } })).statusCode,
      404,
    );
    const token = t.view.ackToken(IDS.p1, 60_000);
    t.advance(120_000);
    assertProblem(await t.app.inject({ method: 'POST', url: `/ack/${token}` }), 404);
  });

  it('keeps link tokens out of logs', () => {
    assert.equal(redactLoggedUrl('/ack/v1.aW5j.123.c2ln?x=1'), '/ack/[redacted]?x=1');
    assert.equal(redactLoggedUrl('/status/public'), '/status/public');
  });
});

describe('security headers and assets', () => {
  it('sends CSP, nosniff, referrer policy and frame-ancestors none on every kind of response', async () => {
    const cookie = await login(t.adminToken);
    const responses = [
      await page('/', cookie),
      await t.app.inject({ url: '/status/public' }),
      await t.app.inject({ url: '/api/v1/servers', headers: auth(t.readToken) }),
      await t.app.inject({ url: '/api/v1/servers' }),
      await t.app.inject({ url: '/badge/docs-search/status.svg' }),
      await t.app.inject({ url: '/healthz' }),
    ];
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin');
    }
  });

  it('has no inline scripts or inline styles in dashboard pages', async () => {
    const cookie = await login(t.adminToken);
    for (const url of [
      '/',
      '/servers/docs-search',
      `/incidents/${IDS.p1}`,
      `/incidents/${IDS.resolved}/postmortem`,
      '/login',
    ]) {
      const html = (await page(url, cookie)).body;
      for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
        assert.match(tag, / src="\/assets\//, `${url}: ${tag}`);
      assert.ok(!/<script[^>]*>[^<]/.test(html), `${url} has an inline script`);
      assert.ok(!/\sstyle=|<style/i.test(html), `${url} has inline styles`);
      assert.ok(!/\son[a-z]+=/i.test(html), `${url} has an inline event handler`);
    }
  });

  it('serves the one stylesheet and script with long caching, 404 otherwise', async () => {
    for (const path of [CSS_PATH, JS_PATH]) {
      const res = await t.app.inject({ url: path });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['cache-control']), /immutable/);
    }
    assertProblem(await t.app.inject({ url: '/assets/other.js' }), 404);
  });

  it('answers /healthz', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ status: string }>().status, 'ok');
  });
});
