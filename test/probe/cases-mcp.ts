/** MCP-layer fault cases: the handshake (initialize / server/discover) and tools/list. */
import assert from 'node:assert/strict';
import { DEFAULT_TOOLS } from '../fixtures/mcp-tools.js';
import { server, type FaultCase } from './cases.js';

const echo = DEFAULT_TOOLS[0]!;
const withSchema = (inputSchema: unknown) =>
  server({ tools: [{ name: 'bad', description: 'x', inputSchema }, echo] });

export const INITIALIZE_CASES: FaultCase[] = [
  {
    name: 'initialize: JSON-RPC error',
    target: server({ replies: { initialize: { error: { code: -32603, message: 'internal error' } } } }),
    expect: { layer: 'initialize', code: 'jsonrpc_error', rpcCode: -32603 },
  },
  {
    name: 'initialize (legacy SSE): JSON-RPC error',
    target: server({
      era: 'sse',
      replies: { initialize: { error: { code: -32002, message: 'not ready' } } },
    }),
    expect: { layer: 'initialize', code: 'jsonrpc_error', rpcCode: -32002 },
  },
  {
    name: 'initialize: result {}',
    target: server({ replies: { initialize: { result: {} } } }),
    expect: { layer: 'initialize', code: 'invalid_result' },
  },
  {
    name: 'initialize: result without serverInfo',
    target: server({
      replies: { initialize: { result: { protocolVersion: '2025-11-25', capabilities: {} } } },
    }),
    expect: { layer: 'initialize', code: 'invalid_result' },
  },
  {
    name: 'initialize: result is a string',
    target: server({ replies: { initialize: { result: 'hello' } } }),
    expect: { layer: 'initialize', code: 'invalid_result' },
  },
  {
    name: 'initialize: unknown protocol version',
    target: server({ initializeVersion: '1999-01-01' }),
    expect: { layer: 'initialize', code: 'unsupported_protocol_version' },
  },
  {
    // A modern server that only speaks a future revision: 400 + UnsupportedProtocolVersion (-32022).
    // The spec: a recognised modern error means "do not fall back"; no common version -> surface it.
    name: 'stateless: server speaks only 2099-01-01 (-32022)',
    target: server({ era: 'stateless', versions: ['2099-01-01'] }),
    expect: { layer: 'initialize', code: 'unsupported_protocol_version' },
  },
  {
    name: 'session gone at notifications/initialized (404)',
    target: server({ sessionLoss: { status: 404, method: 'notifications/initialized' } }),
    expect: { layer: 'initialize', code: 'session_error', httpStatus: 404 },
  },
  {
    name: 'initialize: no answer in time',
    target: server({ delays: { initialize: 5000 } }),
    options: () => ({ timeoutMs: 1000 }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'stateless: server/discover no answer in time',
    target: server({ era: 'stateless', delays: { 'server/discover': 5000 } }),
    options: () => ({ timeoutMs: 1000 }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
  {
    name: 'legacy SSE: initialize no answer in time',
    target: server({ era: 'sse', delays: { initialize: 5000 } }),
    options: () => ({ timeoutMs: 1000 }),
    expect: { layer: 'initialize', code: 'timeout' },
  },
];

export const TOOLS_CASES: FaultCase[] = [
  {
    name: 'tools: []',
    target: server({ tools: [] }),
    expect: { layer: 'tools_list', code: 'empty' },
  },
  {
    name: 'stateless: tools: []',
    target: server({ era: 'stateless', tools: [] }),
    expect: { layer: 'tools_list', code: 'empty' },
  },
  {
    name: 'minTools 5 with 3 tools',
    target: server(),
    options: () => ({ minTools: 5 }),
    expect: { layer: 'tools_list', code: 'empty' },
    // The message says how many were listed and how many were expected.
    check: (r) => assert.match(r.failure?.message ?? '', /returned 3 tools; at least 5 are expected/),
  },
  {
    name: 'tools is not an array',
    target: server({ tools: { echo: {} } }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'tools missing',
    target: server({ rawToolsResult: '{"items":[]}' }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'tool without a name',
    target: server({ tools: [echo, { description: 'anonymous', inputSchema: { type: 'object' } }] }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'tool that is a string',
    target: server({ tools: ['echo'] }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'tool without inputSchema',
    target: server({ tools: [{ name: 'nothing' }] }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'inputSchema type string',
    target: withSchema({ type: 'string' }),
    expect: { layer: 'tools_list', code: 'invalid_schema' },
  },
  {
    name: 'inputSchema is a string',
    target: withSchema('object'),
    expect: { layer: 'tools_list', code: 'invalid_schema' },
  },
  {
    name: 'inputSchema invalid JSON Schema',
    target: withSchema({ type: 'object', properties: { a: { type: 'integr' } } }),
    expect: { layer: 'tools_list', code: 'invalid_schema' },
  },
  {
    name: 'inputSchema with required: "a" (not an array)',
    target: withSchema({ type: 'object', properties: { a: { type: 'string' } }, required: 'a' }),
    expect: { layer: 'tools_list', code: 'invalid_schema' },
  },
  {
    name: 'tools/list JSON-RPC error',
    target: server({ replies: { 'tools/list': { error: { code: -32603, message: 'db down' } } } }),
    expect: { layer: 'tools_list', code: 'jsonrpc_error', rpcCode: -32603 },
  },
  {
    name: 'tools/list no answer in time',
    target: server({ delays: { 'tools/list': 5000 } }),
    options: () => ({ timeoutMs: 1500 }),
    expect: { layer: 'tools_list', code: 'timeout' },
  },
  {
    name: 'tools/list: session gone (404)',
    target: server({ sessionLoss: { status: 404 } }),
    expect: { layer: 'tools_list', code: 'session_error', httpStatus: 404 },
  },
  {
    name: 'tools/list: session gone (400 "Session not found")',
    target: server({ sessionLoss: { status: 400 } }),
    expect: { layer: 'tools_list', code: 'session_error', httpStatus: 400 },
    check: (r) =>
      assert.ok(
        r.warnings.some((w) => w.code === 'session_gone_400'),
        'session_gone_400 warning',
      ),
  },
  {
    name: 'tools/list HTTP 500 after a good handshake',
    target: server({ fault: { kind: 'status', status: 500, on: 'tools/list' } }),
    expect: { layer: 'tools_list', code: 'status_5xx', httpStatus: 500 },
  },
  {
    name: 'tools/list answered with HTML',
    target: server({ fault: { kind: 'html', on: 'tools/list' } }),
    expect: { layer: 'tools_list', code: 'not_jsonrpc' },
  },
  {
    name: 'endless pages (new cursor every time)',
    target: server({ endlessPages: true }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
  {
    name: 'paging loop (same cursor again)',
    target: server({ replies: { 'tools/list': { result: { tools: [echo], nextCursor: 'again' } } } }),
    expect: { layer: 'tools_list', code: 'malformed' },
  },
];
