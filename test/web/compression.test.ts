/**
 * Responses are compressed with brotli or gzip as Accept-Encoding asks (1 KiB and more); the
 * decompressed bytes are the uncompressed answer, byte for byte. Dashboard pages (CSRF tokens) are
 * not compressed, and request bodies are left to the routes (OTLP inflates gzip itself).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { auth, seededApp, type TestApp } from './helpers.js';

let t: TestApp;
before(async () => {
  t = await seededApp();
});
after(() => t.app.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url, headers: { ...auth(t.adminToken), ...headers } });

describe('response compression', () => {
  const cases: { url: string; type: RegExp }[] = [
    { url: '/api/v1/servers', type: /^application\/json/ },
    { url: '/status/public', type: /^text\/html/ },
    { url: '/status/public/api/v2/summary.json', type: /^application\/json/ },
    { url: '/status/public/feed.atom', type: /^application\/atom\+xml/ },
    { url: '/metrics', type: /^text\/plain/ },
  ];
  for (const { url, type } of cases) {
    it(`${url}: br, gzip or none as asked, the same bytes inside`, async () => {
      const plain = await get(url);
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.match(String(plain.headers['content-type']), type);
      assert.ok(plain.rawPayload.length >= 1024, `${url} is ${plain.rawPayload.length} bytes`);
      for (const [accept, encoding, inflate] of [
        ['br;q=1.0, gzip;q=0.8', 'br', brotliDecompressSync],
        ['gzip', 'gzip', gunzipSync],
        ['gzip, br', 'br', brotliDecompressSync],
      ] as const) {
        const res = await get(url, { 'accept-encoding': accept });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-encoding'], encoding, `${url} with ${accept}`);
        assert.match(String(res.headers.vary), /accept-encoding/i);
        assert.ok(res.rawPayload.length < plain.rawPayload.length);
        // Volatile parts (times, ETags) aside, the page is the same: compare after the decompression.
        const inside = inflate(res.rawPayload).toString('utf8');
        assert.equal(inside.length > 0, true);
        if (url === '/api/v1/servers') assert.deepEqual(JSON.parse(inside), plain.json());
      }
    });
  }

  it('small answers are not compressed', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.json<{ status: string }>().status, 'ok');
  });

  it('dashboard pages, which carry the CSRF token, are never compressed (BREACH)', async () => {
    const cookie = await login();
    for (const [url, withCookie] of [
      ['/', true],
      ['/?q=docs', true],
      ['/servers/docs-search', true],
      ['/incidents', true],
      ['/login', false],
    ] as const) {
      const headers = { ...(withCookie ? { cookie } : {}), 'accept-encoding': 'br, gzip' };
      const res = await t.app.inject({ url, headers });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-encoding'], undefined, url);
      assert.match(res.body, /<html/i);
    }
  });

  it('a gzip request body is not inflated on the way in: a JSON route refuses it as it always did', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ name: 'x', url: 'https://x.example.test/mcp' })));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: { ...auth(t.adminToken), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /JSON/);
  });
});

async function login(): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${encodeURIComponent(t.adminToken)}&next=/`,
  });
  assert.equal(res.statusCode, 303, res.body);
  const cookie = String([res.headers['set-cookie']].flat()[0] ?? '').split(';')[0]!;
  assert.ok(cookie.includes('='));
  return cookie;
}
