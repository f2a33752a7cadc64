/**
 * Bidi controls in remote text (a failure message "invoice\u202efdp.exe" reads as "invoiceexe.pdf")
 * are shown as visible [U+202E] markers on every HTML page: the dashboard's probe log and the
 * escaping helper every page uses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { escapeHtml, html } from '../../src/web/html/escape.js';
import { stored } from '../store/sample.js';
import { seededApp, type TestApp } from './helpers.js';

const RAW_BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const MESSAGE = 'HTTP 502 from invoice\u202efdp.exe \u2067x\u2069';

describe('bidi controls on HTML pages', () => {
  test('escapeHtml and html`` mark every bidi override and isolate', () => {
    assert.equal(
      escapeHtml('a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069<'),
      'a[U+202A]b[U+202B]c[U+202C]d[U+202D]e[U+202E]f[U+2066]g[U+2067]h[U+2068]i[U+2069]&lt;',
    );
    assert.equal(html`<p>${'x\u202ey'}</p>`.text, '<p>x[U+202E]y</p>');
  });

  let t: TestApp;
  before(async () => {
    t = await seededApp();
    const row = stored('docs-search', 'local', t.now - 1000, { failLayer: 'http', code: 'status_5xx' });
    row.result.failure!.message = MESSAGE;
    await t.store.writeResults([row]);
  });
  after(() => t.app.close());

  test("the dashboard's probe log", async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: t.adminToken, next: '/' }).toString(),
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const res = await t.app.inject({ url: '/servers/docs-search?failed=1', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes('HTTP 502 from invoice[U+202E]fdp.exe [U+2067]x[U+2069]'), res.body);
    assert.doesNotMatch(res.body, RAW_BIDI);
  });
});
