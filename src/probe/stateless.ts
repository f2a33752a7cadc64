/**
 * The stateless revision (2026-07-28): no initialize and no session; every request carries its
 * protocol version in `_meta` and in headers, and `server/discover` tells who the server is. Era
 * detection follows the spec's backward-compatibility section: a recognised modern error means a
 * modern server; anything else on 400/404/405 (or a plain JSON-RPC error) means an older one.
 */
import { fault } from './fault.js';
import { send, statusFault, type ProbeContext, type Step } from './http.js';
import {
  isObject,
  nextId,
  parseJson,
  readResponse,
  readSnippet,
  rpcRequest,
  type RpcResponse,
} from './rpc.js';
import { CLIENT_INFO, resultOf, STATELESS_VERSION, type McpSession } from './session.js';
import { FALLBACK_STATUSES, type Attempt } from './streamable.js';
import type { ServerInfo } from './types.js';

const HANDSHAKE: Step = { layer: 'initialize', handshake: true };
/** Errors only a modern server sends (HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion). */
const MODERN_CODES = new Set([-32020, -32021, -32022]);

const meta = () => ({
  'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': {},
});

function headersFor(method: string, name?: unknown): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': STATELESS_VERSION,
    'mcp-method': method,
    // tools/call names its tool in Mcp-Name (header-safe names only; others go in the body alone).
    ...(typeof name === 'string' && /^[\x21-\x7e]{1,256}$/.test(name) ? { 'mcp-name': name } : {}),
  };
}

const modernError = (snippet: string): RpcResponse['error'] | null => {
  const parsed = parseJson(snippet);
  const e = parsed.ok && isObject(parsed.value) && isObject(parsed.value.error) ? parsed.value.error : null;
  return e && typeof e.code === 'number'
    ? { code: e.code, message: String(e.message ?? ''), data: e.data }
    : null;
};

/** `server/discover`; a session when the server is modern, a fallback when it is not. */
export async function discover(ctx: ProbeContext, url: URL): Promise<Attempt & { supported?: string[] }> {
  const id = nextId();
  const started = performance.now();
  const ex = await send(ctx, {
    method: 'POST',
    url,
    headers: headersFor('server/discover'),
    body: rpcRequest(id, 'server/discover', { _meta: meta() }),
    step: HANDSHAKE,
    what: 'server/discover',
  });
  ctx.handshake = { status: ex.status, ttfbMs: ex.ttfbMs, contentType: ex.contentType };

  if (FALLBACK_STATUSES.has(ex.status)) {
    const snippet = await readSnippet(ctx, ex, HANDSHAKE);
    const err = modernError(snippet);
    const legacy = { fallback: statusFault(ctx, ex, HANDSHAKE, 'server/discover', snippet) };
    if (!err) return legacy;
    if (err.code === -32022) {
      const supported =
        isObject(err.data) && Array.isArray(err.data.supported) ? err.data.supported.map(String) : [];
      return { ...legacy, supported };
    }
    // 404 + -32601 is how a modern server says "no such method", but real gateways relaying an older
    // server say it too; initialize decides, so a working server is never failed for lacking discover.
    if (MODERN_CODES.has(err.code))
      throw fault(
        'initialize',
        'jsonrpc_error',
        `server/discover was refused with JSON-RPC error ${err.code}: ${err.message.slice(0, 160)}`,
        { rpcCode: err.code, httpStatus: ex.status },
      );
    return legacy;
  }
  const res = await readResponse(ctx, ex, id, HANDSHAKE, 'server/discover');
  const result = res.result;
  if (res.error || !isObject(result) || !Array.isArray(result.supportedVersions)) {
    // An older server that processes any method answers with a plain error (usually -32601).
    return {
      fallback: fault(
        'initialize',
        'jsonrpc_error',
        `server/discover is not understood (${res.error ? `JSON-RPC error ${res.error.code}` : 'no supportedVersions'})`,
      ),
    };
  }
  const supported = result.supportedVersions.map(String);
  if (!supported.includes(STATELESS_VERSION))
    return {
      fallback: fault(
        'initialize',
        'unsupported_protocol_version',
        `server/discover lists ${supported.join(', ')}`,
      ),
      supported,
    };
  if (!isObject(result.capabilities))
    throw fault('initialize', 'invalid_result', 'the server/discover result has no capabilities object');
  const info = isObject(result._meta) ? result._meta['io.modelcontextprotocol/serverInfo'] : undefined;
  const server: ServerInfo | null =
    isObject(info) && typeof info.name === 'string'
      ? { name: info.name, version: typeof info.version === 'string' ? info.version : 'unknown' }
      : null;

  const session: McpSession = {
    transport: 'streamable-http',
    protocolVersion: STATELESS_VERSION,
    server,
    capabilities: result.capabilities,
    initializeMs: performance.now() - started,
    async call(method, params, step, what) {
      const callId = nextId();
      const r = await send(ctx, {
        method: 'POST',
        url,
        headers: headersFor(method, method === 'tools/call' ? params?.name : undefined),
        body: rpcRequest(callId, method, { ...params, _meta: meta() }),
        step,
        what,
      });
      if (r.status < 200 || r.status >= 300)
        throw statusFault(ctx, r, step, what, await readSnippet(ctx, r, step));
      return resultOf(await readResponse(ctx, r, callId, step, what), step, what);
    },
    close: async () => {},
  };
  return { session };
}
