/**
 * Configured headers (Authorization, API keys) go only to the origin the user configured: a redirect
 * to another origin (here another loopback port) is followed without them, as browsers and curl do;
 * a same-origin redirect keeps them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { assertHealthy, probeChecked } from './helpers.js';

const HEADERS = { Authorization: 'Bearer s3cret', 'X-Api-Key': 'k-123' };

describe('redirects and configured headers', () => {
  test('a 307 to another origin drops Authorization and configured headers', async () => {
    const other = await startMcpServer({});
    const first = await startMcpServer({
      fault: { kind: 'status', status: 307, headers: { Location: other.url }, path: '/mcp' },
    });
    try {
      const { result } = await probeChecked(first.url, { followRedirects: true, headers: HEADERS });
      assertHealthy(result);
      assert.ok(first.log.length > 0 && other.log.length > 0);
      assert.equal(first.log[0]!.headers.authorization, 'Bearer s3cret');
      assert.equal(first.log[0]!.headers['x-api-key'], 'k-123');
      for (const r of other.log) {
        assert.equal(
          r.headers.authorization,
          undefined,
          `${r.httpMethod} ${r.rpcMethod} carried Authorization`,
        );
        assert.equal(r.headers['x-api-key'], undefined, `${r.httpMethod} ${r.rpcMethod} carried X-Api-Key`);
      }
      const w = result.warnings.find((x) => x.code === 'redirect_headers_dropped');
      assert.ok(w, JSON.stringify(result.warnings));
      assert.match(w.message, new RegExp(`${other.origin.replace(/[.:/]/g, '\\$&')}`));
    } finally {
      await first.close();
      await other.close();
    }
  });

  test('a same-origin redirect keeps them', async () => {
    const fixture = await startMcpServer({
      fault: { kind: 'status', status: 308, headers: { Location: '{origin}/mcp' }, path: '/old' },
    });
    try {
      const { result } = await probeChecked(fixture.url.replace('/mcp', '/old'), {
        followRedirects: true,
        headers: HEADERS,
      });
      assertHealthy(result);
      const calls = fixture.requests('tools/list');
      assert.ok(calls.length > 0);
      assert.equal(calls[0]!.headers.authorization, 'Bearer s3cret');
      assert.equal(calls[0]!.headers['x-api-key'], 'k-123');
      assert.ok(!result.warnings.some((x) => x.code === 'redirect_headers_dropped'));
    } finally {
      await fixture.close();
    }
  });
});
