/** HTTP-layer fault cases: statuses, redirects, auth, bodies that are not JSON-RPC. */
import assert from 'node:assert/strict';
import { garbageServer } from '../fixtures/raw-servers.js';
import { raw, server, type FaultCase } from './cases.js';

const RESOURCE_METADATA = '{origin}/.well-known/oauth-protected-resource/mcp';
const status = (code: number, headers?: Record<string, string>, body?: string) =>
  server({
    fault: {
      kind: 'status',
      status: code,
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
    },
  });

export const HTTP_CASES: FaultCase[] = [
  {
    name: '307 redirect (not followed)',
    target: server({
      fault: { kind: 'status', status: 307, headers: { Location: '{origin}/mcp' }, path: '/old' },
    }),
    url: (t) => t.url.replace('/mcp', '/old'),
    expect: { layer: 'http', code: 'redirect', httpStatus: 307 },
    check: (r, t) => assert.equal(r.failure?.location, `${t.fixture!.origin}/mcp`),
  },
  {
    name: '308 redirect (not followed)',
    target: server({
      fault: { kind: 'status', status: 308, headers: { Location: '{origin}/mcp' }, path: '/old' },
    }),
    url: (t) => t.url.replace('/mcp', '/old'),
    expect: { layer: 'http', code: 'redirect', httpStatus: 308 },
    check: (r, t) => assert.equal(r.failure?.location, `${t.fixture!.origin}/mcp`),
  },
  {
    name: '401 with WWW-Authenticate resource_metadata',
    target: status(401, {
      'WWW-Authenticate': `Bearer realm="mcp", resource_metadata="${RESOURCE_METADATA}"`,
    }),
    expect: { layer: 'http', code: 'auth_required', httpStatus: 401 },
    check: (r, t) =>
      assert.deepEqual(r.auth, {
        required: true,
        scheme: 'Bearer',
        resourceMetadata: `${t.fixture!.origin}/.well-known/oauth-protected-resource/mcp`,
      }),
  },
  {
    name: '401 without WWW-Authenticate',
    target: status(401),
    expect: { layer: 'http', code: 'auth_required', httpStatus: 401 },
    check: (r) => {
      assert.equal(r.auth?.required, true);
      assert.equal(r.auth?.scheme ?? null, null);
      assert.equal(r.auth?.resourceMetadata ?? null, null);
    },
  },
  { name: '403', target: status(403), expect: { layer: 'http', code: 'forbidden', httpStatus: 403 } },
  {
    name: '404 on every request (GET too)',
    target: status(404),
    expect: { layer: 'http', code: 'not_found', httpStatus: 404 },
  },
  {
    name: '405 on every request',
    target: status(405),
    expect: { layer: 'http', code: 'method_not_allowed', httpStatus: 405 },
  },
  { name: '406', target: status(406), expect: { layer: 'http', code: 'not_acceptable', httpStatus: 406 } },
  {
    name: '429 with Retry-After',
    target: status(429, { 'Retry-After': '30' }),
    expect: { layer: 'http', code: 'rate_limited', httpStatus: 429 },
  },
  { name: '418', target: status(418), expect: { layer: 'http', code: 'status_4xx', httpStatus: 418 } },
  {
    name: '422 with a JSON body',
    target: status(422, undefined, '{"error":"unprocessable"}'),
    expect: { layer: 'http', code: 'status_4xx', httpStatus: 422 },
  },
  { name: '500', target: status(500), expect: { layer: 'http', code: 'status_5xx', httpStatus: 500 } },
  {
    name: '503 with Retry-After',
    target: status(503, { 'Retry-After': '120' }),
    expect: { layer: 'http', code: 'status_5xx', httpStatus: 503 },
  },
  {
    name: '502 HTML error page from a proxy',
    target: status(502, undefined, '<html><head><title>502 Bad Gateway</title></head></html>'),
    expect: { layer: 'http', code: 'status_5xx', httpStatus: 502 },
  },
  {
    name: 'HTML 200 (login page)',
    target: server({ fault: { kind: 'html' } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'JSON 200 that is not JSON-RPC',
    target: server({ fault: { kind: 'body', body: '{"status":"ok","service":"mcp"}' } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'text/plain 200 "OK"',
    target: server({ fault: { kind: 'body', body: 'OK', contentType: 'text/plain' } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'JSON-RPC answer with another id',
    target: server({ fault: { kind: 'body', body: '{"jsonrpc":"2.0","id":"someone-else","result":{}}' } }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'SSE stream that ends without the response',
    target: server({
      fault: {
        kind: 'body',
        contentType: 'text/event-stream',
        body: 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n',
      },
    }),
    expect: { layer: 'http', code: 'not_jsonrpc' },
  },
  {
    name: 'body of 8 MiB (cap 4 MiB)',
    target: server({ fault: { kind: 'huge', bytes: 8 * 1024 * 1024 } }),
    expect: { layer: 'http', code: 'body_too_large' },
  },
  {
    name: 'body over a 64 KiB maxBodyBytes',
    target: server({ fault: { kind: 'huge', bytes: 100 * 1024, declareLength: true } }),
    options: () => ({ maxBodyBytes: 64 * 1024 }),
    expect: { layer: 'http', code: 'body_too_large' },
  },
  {
    name: 'garbage instead of HTTP',
    target: raw(garbageServer),
    expect: { layer: 'http', code: 'malformed_http' },
  },
];
