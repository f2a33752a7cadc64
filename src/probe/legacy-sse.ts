/**
 * The deprecated HTTP+SSE transport (2024-11-05): a GET opens an event stream whose first `endpoint`
 * event names (relative to the stream's URL) where to POST; answers come back on the stream.
 */
import { createParser } from 'eventsource-parser';
import { decodedChunks } from './body.js';
import { fault, ProbeFault } from './fault.js';
import { classifyWireError, send, statusFault, warn, type ProbeContext, type Step } from './http.js';
import {
  asResponse,
  nextId,
  parseJson,
  readSnippet,
  rpcNotification,
  rpcRequest,
  type RpcId,
  type RpcResponse,
} from './rpc.js';
import { CLIENT_INFO, LEGACY_VERSIONS, resultOf, type McpSession } from './session.js';
import { readInitializeResult } from './streamable.js';

const HANDSHAKE: Step = { layer: 'initialize', handshake: true };

export async function initializeSse(ctx: ProbeContext, url: URL): Promise<McpSession> {
  const stream = new AbortController();
  const streamSignal = AbortSignal.any([ctx.deadline.signal, stream.signal]);
  const started = performance.now();
  const ex = await send(ctx, {
    method: 'GET',
    url,
    headers: { accept: 'text/event-stream' },
    step: HANDSHAKE,
    what: 'the SSE stream (GET)',
    signal: streamSignal,
    stream: true,
  });
  ctx.handshake = { status: ex.status, ttfbMs: ex.ttfbMs, contentType: ex.contentType };
  if (ex.status < 200 || ex.status >= 300)
    throw statusFault(ctx, ex, HANDSHAKE, 'the SSE stream (GET)', await readSnippet(ctx, ex, HANDSHAKE));
  if (ex.contentType !== 'text/event-stream') {
    const snippet = await readSnippet(ctx, ex, HANDSHAKE);
    throw fault(
      'http',
      'not_jsonrpc',
      `GET ${url.pathname} answered ${ex.contentType || 'no Content-Type'} instead of an SSE stream: "${snippet.slice(0, 100)}"`,
      { httpStatus: ex.status },
    );
  }

  // One reader for the stream's life: it resolves the endpoint and hands responses to their waiters.
  let endpoint: URL | null = null;
  let endpointWaiter: ((u: URL) => void) | null = null;
  const waiters = new Map<RpcId, (r: RpcResponse) => void>();
  let ended: ProbeFault | null = null;
  const enders = new Set<(f: ProbeFault) => void>();
  let events = 0;
  const parser = createParser({
    onEvent(e) {
      events++;
      if (e.event === 'endpoint' && !endpoint) {
        try {
          endpoint = new URL(e.data.trim(), url);
          endpointWaiter?.(endpoint);
        } catch {
          end(
            fault(
              'initialize',
              'invalid_result',
              `the SSE stream's endpoint event is not a URL: "${e.data.slice(0, 80)}"`,
            ),
          );
        }
        return;
      }
      if (e.event && e.event !== 'message') return;
      const parsed = parseJson(e.data);
      if (!parsed.ok)
        return warn(ctx, 'sse_bad_event', `the SSE stream carried an event that is ${parsed.reason}`);
      const r = asResponse(parsed.value);
      if (r && r.id !== null) waiters.get(r.id)?.(r);
    },
  });
  const end = (f: ProbeFault) => {
    ended ??= f;
    for (const fn of enders) fn(ended);
  };
  void (async () => {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    try {
      for await (const chunk of decodedChunks(ex.body, ex.encoding, ctx.maxBodyBytes, 'initialize')) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (events > ctx.maxSseEvents)
          throw fault(
            'initialize',
            'body_too_large',
            `the SSE stream sent more than ${ctx.maxSseEvents} events`,
          );
      }
      end(fault('initialize', 'session_error', 'the server closed the SSE stream'));
    } catch (err) {
      end(
        err instanceof ProbeFault
          ? err
          : classifyWireError(ctx, err, { step: HANDSHAKE, what: 'the SSE stream', url }, streamSignal),
      );
    }
  })();

  /** Resolves with what the stream delivers, or rejects when the stream ends or the step times out. */
  const awaitStream = <T>(
    register: (resolve: (v: T) => void) => () => void,
    step: Step,
    what: string,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const signal = ctx.deadline.step(ctx.stepTimeoutMs);
      const cleanup = () => {
        unregister();
        enders.delete(onEnd);
        signal.removeEventListener('abort', onAbort);
      };
      const onEnd = (f: ProbeFault) => {
        cleanup();
        reject(f.layer === step.layer ? f : fault(step.layer, f.code, f.message));
      };
      const onAbort = () => {
        cleanup();
        reject(fault(step.layer, 'timeout', `no answer to ${what} on the SSE stream in time`));
      };
      const unregister = register((v) => {
        cleanup();
        resolve(v);
      });
      if (ended) return onEnd(ended);
      if (signal.aborted) return onAbort();
      enders.add(onEnd);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  const post = await (endpoint
    ? Promise.resolve(endpoint as URL)
    : awaitStream<URL>(
        (resolve) => ((endpointWaiter = resolve), () => (endpointWaiter = null)),
        HANDSHAKE,
        'the endpoint event',
      ));
  if (post.origin !== url.origin)
    warn(ctx, 'endpoint_cross_origin', `the SSE endpoint points at another origin (${post.origin})`);

  const rpc = async (
    method: string,
    params: Record<string, unknown> | undefined,
    step: Step,
    what: string,
  ) => {
    const id = nextId();
    const answer = awaitStream<RpcResponse>(
      (resolve) => (waiters.set(id, resolve), () => waiters.delete(id)),
      step,
      what,
    );
    answer.catch(() => {});
    const r = await send(ctx, {
      method: 'POST',
      url: post,
      headers: { 'content-type': 'application/json' },
      body: rpcRequest(id, method, params),
      step,
      what,
    });
    const snippet = await readSnippet(ctx, r, step);
    if (r.status < 200 || r.status >= 300) throw statusFault(ctx, r, step, what, snippet);
    return answer;
  };

  const version = LEGACY_VERSIONS[0];
  const res = await rpc(
    'initialize',
    { protocolVersion: version, capabilities: {}, clientInfo: CLIENT_INFO },
    { layer: 'initialize', handshake: false },
    'initialize',
  );
  const init = readInitializeResult(ctx, resultOf(res, HANDSHAKE, 'initialize'), version);
  const initializeMs = performance.now() - started;
  const note = await send(ctx, {
    method: 'POST',
    url: post,
    headers: { 'content-type': 'application/json' },
    body: rpcNotification('notifications/initialized'),
    step: { layer: 'initialize', handshake: false },
    what: 'notifications/initialized',
  });
  await readSnippet(ctx, note, { layer: 'initialize', handshake: false });
  warn(
    ctx,
    'legacy_transport',
    'the server speaks the deprecated HTTP+SSE transport (2024-11-05); Streamable HTTP replaces it',
  );

  return {
    transport: 'sse',
    protocolVersion: init.protocolVersion,
    server: init.server,
    capabilities: init.capabilities,
    initializeMs,
    call: async (method, params, step, what) => resultOf(await rpc(method, params, step, what), step, what),
    close: async () => stream.abort(),
  };
}
