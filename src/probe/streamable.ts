/**
 * Streamable HTTP in its initialize-based revisions (2025-03-26, 2025-06-18, 2025-11-25): initialize,
 * notifications/initialized, calls on the session, DELETE at the end.
 */
import { readText } from './body.js';
import { fault, ProbeFault } from './fault.js';
import { header, send, statusFault, warn, type ProbeContext, type Step } from './http.js';
import { isObject, nextId, readResponse, readSnippet, rpcNotification, rpcRequest } from './rpc.js';
import { CLIENT_INFO, LEGACY_VERSIONS, resultOf, type McpSession } from './session.js';
import type { ServerInfo } from './types.js';

const ACCEPT = 'application/json, text/event-stream';
const HANDSHAKE: Step = { layer: 'initialize', handshake: true };
const AFTER_HANDSHAKE: Step = { layer: 'initialize', handshake: false };

/** The statuses on which a client falls back to the legacy HTTP+SSE transport. */
export const FALLBACK_STATUSES = new Set([400, 404, 405]);

export type Attempt = { session: McpSession } | { fallback: ProbeFault };

/** Validates an initialize result and returns the negotiated version, server and capabilities. */
export function readInitializeResult(ctx: ProbeContext, result: unknown, requested: string) {
  if (!isObject(result))
    throw fault('initialize', 'invalid_result', 'initialize returned a result that is not an object');
  const { protocolVersion, capabilities, serverInfo } = result;
  if (typeof protocolVersion !== 'string')
    throw fault('initialize', 'invalid_result', 'the initialize result has no protocolVersion');
  if (!(LEGACY_VERSIONS as readonly string[]).includes(protocolVersion))
    throw fault(
      'initialize',
      'unsupported_protocol_version',
      `the server answered protocol version "${protocolVersion.slice(0, 40)}", which mcpwatch does not speak (it knows ${LEGACY_VERSIONS.join(', ')})`,
    );
  if (!isObject(capabilities))
    throw fault('initialize', 'invalid_result', 'the initialize result has no capabilities object');
  if (!isObject(serverInfo) || typeof serverInfo.name !== 'string' || typeof serverInfo.version !== 'string')
    throw fault(
      'initialize',
      'invalid_result',
      'the initialize result has no serverInfo with a name and a version',
    );
  if (protocolVersion !== requested)
    warn(ctx, 'protocol_downgraded', `asked for protocol ${requested}, the server chose ${protocolVersion}`);
  const server: ServerInfo = { name: serverInfo.name, version: serverInfo.version };
  if (typeof serverInfo.title === 'string') server.title = serverInfo.title;
  return { protocolVersion, capabilities, server };
}

export async function initializeStreamable(
  ctx: ProbeContext,
  url: URL,
  version: string = LEGACY_VERSIONS[0],
): Promise<Attempt> {
  const id = nextId();
  const started = performance.now();
  const ex = await send(ctx, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': version },
    body: rpcRequest(id, 'initialize', {
      protocolVersion: version,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    }),
    step: HANDSHAKE,
    what: 'initialize',
  });
  ctx.handshake = { status: ex.status, ttfbMs: ex.ttfbMs, contentType: ex.contentType };
  if (FALLBACK_STATUSES.has(ex.status))
    return { fallback: statusFault(ctx, ex, HANDSHAKE, 'initialize', await readSnippet(ctx, ex, HANDSHAKE)) };
  const res = await readResponse(ctx, ex, id, HANDSHAKE, 'initialize');
  const init = readInitializeResult(ctx, resultOf(res, HANDSHAKE, 'initialize'), version);
  const initializeMs = performance.now() - started;
  const sessionId = header(ex.headers, 'mcp-session-id') ?? null;
  const sessionHeaders = (): Record<string, string> => ({
    'content-type': 'application/json',
    accept: ACCEPT,
    'mcp-protocol-version': init.protocolVersion,
    ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
  });

  const note = await send(ctx, {
    method: 'POST',
    url,
    headers: sessionHeaders(),
    body: rpcNotification('notifications/initialized'),
    step: AFTER_HANDSHAKE,
    what: 'notifications/initialized',
  });
  const noteBody = await readSnippet(ctx, note, AFTER_HANDSHAKE);
  if (note.status < 200 || note.status >= 300)
    throw sessionFault(
      ctx,
      statusFault(ctx, note, AFTER_HANDSHAKE, 'notifications/initialized', noteBody),
      sessionId,
      noteBody,
    );
  if (note.status !== 202)
    warn(
      ctx,
      'initialized_not_202',
      `notifications/initialized was answered ${note.status}; the spec asks for 202 Accepted`,
    );

  const session: McpSession = {
    transport: 'streamable-http',
    protocolVersion: init.protocolVersion,
    server: init.server,
    capabilities: init.capabilities,
    initializeMs,
    async call(method, params, step, what) {
      const callId = nextId();
      const r = await send(ctx, {
        method: 'POST',
        url,
        headers: sessionHeaders(),
        body: rpcRequest(callId, method, params),
        step,
        what,
      });
      if (r.status < 200 || r.status >= 300) {
        const snippet = await readSnippet(ctx, r, step);
        throw sessionFault(ctx, statusFault(ctx, r, step, what, snippet), sessionId, snippet);
      }
      return resultOf(await readResponse(ctx, r, callId, step, what), step, what);
    },
    async close() {
      if (!sessionId) return;
      const budget = Math.min(1_000, ctx.deadline.remaining());
      if (budget < 50) return;
      try {
        const r = await send(ctx, {
          method: 'DELETE',
          url,
          headers: sessionHeaders(),
          step: AFTER_HANDSHAKE,
          what: 'session DELETE',
          signal: ctx.deadline.step(budget),
        });
        await readText(r.body, r.encoding, 64 * 1024, 'initialize').catch(() => '');
        if ((r.status < 200 || r.status >= 300) && r.status !== 405 && r.status !== 404)
          warn(ctx, 'session_delete_failed', `ending the session with DELETE got HTTP ${r.status}`);
      } catch {
        warn(ctx, 'session_delete_failed', 'ending the session with DELETE got no answer');
      }
    },
  };
  return { session };
}

/** A 404 (or a 400 that talks about the session) on a session request means the session is gone. */
function sessionFault(
  ctx: ProbeContext,
  f: ProbeFault,
  sessionId: string | null,
  snippet: string,
): ProbeFault {
  if (!sessionId) return f;
  if (f.extra.httpStatus === 404)
    return fault(
      f.layer,
      'session_error',
      `the server no longer knows session ${sessionId.slice(0, 12)}… (HTTP 404)`,
      { httpStatus: 404 },
    );
  if (f.extra.httpStatus === 400 && /session/i.test(snippet)) {
    warn(ctx, 'session_gone_400', 'the server answered 400 instead of 404 for an unknown session');
    return fault(
      f.layer,
      'session_error',
      `the server rejected session ${sessionId.slice(0, 12)}… (HTTP 400: ${snippet.slice(0, 100)})`,
      { httpStatus: 400 },
    );
  }
  return f;
}
