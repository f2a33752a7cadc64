/**
 * One HTTP exchange of the probe, through undici with our own connector. Maps what goes wrong on the
 * wire to classified faults: status codes, resets, parser errors, header overflow and timeouts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { createConnector, type ConnectorOptions } from './connect.js';
import { isTimeout, type Deadline } from './deadline.js';
import { fault, ProbeFault } from './fault.js';
import type { AuthInfo, LayerName, ProbeWarning } from './types.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

/** The MCP step a request belongs to; the handshake's HTTP faults belong to the http layer. */
export interface Step {
  layer: 'initialize' | 'tools_list' | 'tool_call';
  handshake: boolean;
}
export const httpLayerOf = (step: Step): LayerName => (step.handshake ? 'http' : step.layer);

export interface ProbeContext {
  /**
   * The probe's requests, one connection per origin: an undici Client behind the Agent, not a Pool,
   * whose 2,048-slot queue and handlers were a quarter of the monitor's long-lived garbage.
   */
  dispatcher: Agent;
  /** The legacy SSE stream's own connection, opened when needed: it stays open while POSTs go on. */
  streamDispatcher: Agent | null;
  connector: ReturnType<typeof createConnector>;
  deadline: Deadline;
  userHeaders: Record<string, string>;
  /** `mcpwatch/VERSION region=NAME` (user-agent.ts). */
  userAgent: string;
  /**
   * The origin the configured headers (Authorization, API keys) belong to: the target's. Requests to
   * any other origin (a cross-origin redirect, a legacy SSE endpoint elsewhere) go without them.
   */
  headersOrigin: string | null;
  maxBodyBytes: number;
  maxSseEvents: number;
  stepTimeoutMs: number | undefined;
  warnings: ProbeWarning[];
  now: () => number;
  auth: AuthInfo | null;
  /** The exchange that carried the handshake: what the http layer reports. */
  handshake: { status: number; ttfbMs: number; contentType: string } | null;
}

export interface Exchange {
  url: URL;
  /** The signal the request was sent with: reading its body is bounded by it too. */
  signal: AbortSignal;
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
  ttfbMs: number;
  contentType: string;
  encoding: string;
}

export function createContext(
  o: ConnectorOptions & {
    deadline: Deadline;
    headers: Record<string, string>;
    userAgent: string;
    maxBodyBytes: number;
    maxSseEvents: number;
    stepTimeoutMs?: number;
  },
): ProbeContext {
  const connector = createConnector(o);
  return {
    dispatcher: createAgent(connector),
    streamDispatcher: null,
    connector,
    deadline: o.deadline,
    userHeaders: o.headers,
    userAgent: o.userAgent,
    headersOrigin: null,
    maxBodyBytes: o.maxBodyBytes,
    maxSseEvents: o.maxSseEvents,
    stepTimeoutMs: o.stepTimeoutMs,
    warnings: [],
    now: o.now,
    auth: null,
    handshake: null,
  };
}

function createAgent(connector: ProbeContext['connector']): Agent {
  return new Agent({
    connect: connector.connect,
    connections: 1,
    pipelining: 1,
    maxHeaderSize: 64 * 1024,
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 5_000,
  });
}

export const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function warn(ctx: ProbeContext, code: string, message: string): void {
  if (!ctx.warnings.some((w) => w.code === code)) ctx.warnings.push({ code, message });
}

export interface SendOptions {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  step: Step;
  /** What the request was for, in messages ("initialize", "tools/list"). */
  what: string;
  signal?: AbortSignal;
  /** A stream held open beside other requests (the legacy SSE GET): sent on its own connection. */
  stream?: boolean;
}

/** Sends one request and returns once headers arrive; the caller reads (and so closes) the body. */
export async function send(ctx: ProbeContext, o: SendOptions): Promise<Exchange> {
  const signal = o.signal ?? ctx.deadline.step(ctx.stepTimeoutMs);
  const started = performance.now();
  try {
    const dispatcher = o.stream ? (ctx.streamDispatcher ??= createAgent(ctx.connector)) : ctx.dispatcher;
    const res = await dispatcher.request({
      origin: o.url.origin,
      path: o.url.pathname + o.url.search,
      method: o.method,
      headers: { 'user-agent': ctx.userAgent, ...configuredHeaders(ctx, o.url), ...o.headers },
      body: o.body,
      signal,
    });
    const ready = ctx.connector.state.first?.readyAt ?? started;
    const ttfbMs = Math.round((performance.now() - Math.max(started, ready)) * 100) / 100;
    const headers = res.headers as IncomingHttpHeaders;
    return {
      url: o.url,
      signal,
      status: res.statusCode,
      headers,
      body: res.body as unknown as Readable,
      ttfbMs,
      contentType: (header(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      encoding: header(headers, 'content-encoding') ?? '',
    };
  } catch (err) {
    throw classifyWireError(ctx, err, o, signal);
  }
}

/** The configured headers, for requests to their own origin only. */
function configuredHeaders(ctx: ProbeContext, url: URL): Record<string, string> {
  if (ctx.headersOrigin === null || url.origin === ctx.headersOrigin) return ctx.userHeaders;
  if (Object.keys(ctx.userHeaders).length > 0)
    warn(
      ctx,
      'redirect_headers_dropped',
      `the configured headers (${Object.keys(ctx.userHeaders).join(', ')}) were not sent to ${url.origin}: they belong to ${ctx.headersOrigin}`,
    );
  return {};
}

export function classifyWireError(
  ctx: ProbeContext,
  err: unknown,
  o: Pick<SendOptions, 'step' | 'what' | 'url'>,
  signal: AbortSignal,
): ProbeFault {
  if (err instanceof ProbeFault) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof ProbeFault) return cause;
  const host = o.url.host;
  if (isTimeout(err, signal)) {
    switch (ctx.connector.state.phase) {
      case 'dns':
        return fault('transport', 'dns_failed', `DNS lookup of ${o.url.hostname} did not answer in time`);
      case 'tcp':
        return fault('transport', 'connect_timeout', `TCP connect to ${host} did not complete in time`);
      case 'tls':
        return fault('transport', 'tls_timeout', `TLS handshake with ${host} did not complete in time`);
      default:
        return fault(
          o.step.layer,
          'timeout',
          `no complete answer to ${o.what} ${ctx.deadline.expired() ? `within the probe's ${ctx.deadline.totalMs} ms deadline` : `within the ${ctx.stepTimeoutMs} ms step timeout`}`,
        );
    }
  }
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  if (code === 'UND_ERR_HEADERS_OVERFLOW')
    return fault(httpLayerOf(o.step), 'malformed_http', `the response headers to ${o.what} exceed 64 KiB`);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED')
    return fault(
      'transport',
      'connection_reset',
      `${host} closed or reset the connection during ${o.what} (${message})`,
    );
  if (
    code.startsWith('HPE_') ||
    (err as Error).name === 'HTTPParserError' ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ||
    code === 'UND_ERR_INFO'
  )
    return fault(
      httpLayerOf(o.step),
      'malformed_http',
      `the answer to ${o.what} is not valid HTTP (${code || message})`,
    );
  return fault(
    httpLayerOf(o.step),
    'malformed_http',
    `the exchange for ${o.what} failed (${code || message})`,
  );
}

/** A non-2xx answer as a fault, reading a bounded bit of the body for the message. */
export function statusFault(
  ctx: ProbeContext,
  ex: Exchange,
  step: Step,
  what: string,
  snippet: string,
): ProbeFault {
  const layer = httpLayerOf(step);
  const s = ex.status;
  const said = snippet ? `: ${readable(snippet)}` : '';
  if (s >= 300 && s < 400) {
    const location = header(ex.headers, 'location');
    return fault(
      layer,
      'redirect',
      `${what} was answered with a ${s} redirect to ${location ?? '(no Location)'}; update the URL or allow redirects`,
      {
        httpStatus: s,
        ...(location ? { location } : {}),
      },
    );
  }
  if (s === 401) {
    ctx.auth = { required: true, ...parseWwwAuthenticate(header(ex.headers, 'www-authenticate')) };
    return fault(
      layer,
      'auth_required',
      `${what} needs credentials (401${ctx.auth.scheme ? `, ${ctx.auth.scheme}` : ''})`,
      { httpStatus: s },
    );
  }
  const byStatus: Record<number, Parameters<typeof fault>[1]> = {
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    406: 'not_acceptable',
    429: 'rate_limited',
  };
  const code = byStatus[s] ?? (s >= 500 ? 'status_5xx' : s >= 400 ? 'status_4xx' : 'not_jsonrpc');
  const retry =
    s === 429 && header(ex.headers, 'retry-after')
      ? ` (Retry-After ${header(ex.headers, 'retry-after')})`
      : '';
  return fault(layer, code, `${what} got HTTP ${s}${retry}${said}`, { httpStatus: s });
}

/** A body snippet fit for a one-line message: an HTML page's title or text, whitespace folded. */
function readable(snippet: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(snippet)?.[1];
  const text = title && title.trim() !== 'Error' ? title : snippet.replace(/<[^>]*>/g, ' ');
  return text.replace(/\s+/g, ' ').trim().slice(0, 160);
}

/** Runs a body read, classifying whatever breaks it (deadline, reset, bad framing) like the request. */
export async function reading<T>(
  ctx: ProbeContext,
  ex: Exchange,
  step: Step,
  what: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw classifyWireError(ctx, err, { step, what, url: ex.url }, ex.signal);
  }
}
