/**
 * probe(): one layered probe of one MCP endpoint. Never throws for anything the remote side does; every
 * fault becomes the result's `failure`, the first failed layer, with later layers `skipped`.
 */
import { Deadline } from './deadline.js';
import { ProbeFault } from './fault.js';
import { createContext, type ProbeContext } from './http.js';
import { handshake } from './handshake.js';
import type { McpSession } from './session.js';
import { listTools } from './tools.js';
import { callTools, type CallsOutcome } from './calls.js';
import {
  LAYERS,
  type Failure,
  type LayerName,
  type LayerResult,
  type ProbeOptions,
  type ProbeOutcome,
  type ProbeResult,
  type ToolDefinition,
  type ToolsSummary,
} from './types.js';
import type { Lookup } from './connect.js';
import { canonicalJson } from './canonical.js';
import { probeUserAgent } from './user-agent.js';

export const PROBE_DEFAULTS = {
  timeoutMs: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  maxSseEvents: 1_000,
  maxToolPages: 50,
  certExpiringDays: 14,
} as const;

export class ProbeUsageError extends Error {
  override name = 'ProbeUsageError';
}

export type FullProbeOptions = ProbeOptions & { lookup?: Lookup; stepTimeoutMs?: number };

/**
 * Handed to destroy() so that undici does not build a new ClientDestroyedError (with its stack trace)
 * for every probe; anything still in flight after the probe ended is discarded anyway.
 */
const CLOSED = Object.assign(new Error('the probe has ended'), { name: 'ProbeClosed' });

const round = (n: number) => Math.round(n * 100) / 100;

export async function probe(url: string, opts: FullProbeOptions = {}): Promise<ProbeResult> {
  return (await probeDetailed(url, opts)).result;
}

export async function probeDetailed(url: string, opts: FullProbeOptions = {}): Promise<ProbeOutcome> {
  const target = parseTarget(url);
  const now = opts.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const t0 = performance.now();
  const deadline = new Deadline(opts.timeoutMs ?? PROBE_DEFAULTS.timeoutMs, opts.signal);
  const ctx = createContext({
    deadline,
    signal: deadline.signal,
    now,
    headers: opts.headers ?? {},
    userAgent: probeUserAgent(opts.region ?? 'local'),
    lookup: opts.lookup,
    ca: opts.ca,
    blockPrivateAddresses: opts.blockPrivateAddresses,
    maxBodyBytes: opts.maxBodyBytes ?? PROBE_DEFAULTS.maxBodyBytes,
    maxSseEvents: opts.maxSseEvents ?? PROBE_DEFAULTS.maxSseEvents,
    stepTimeoutMs: opts.stepTimeoutMs,
  });
  ctx.headersOrigin = target.origin;

  let session: McpSession | null = null;
  let tools: { summary: ToolsSummary; definitions: ToolDefinition[] } | null = null;
  let toolsMs: number | null = null;
  let failure: Failure | null = null;
  let calls: CallsOutcome | null = null;
  try {
    session = await redirecting(ctx, target, opts);
    if (session.capabilities && 'tools' in session.capabilities) {
      const t = performance.now();
      tools = await listTools(ctx, session, opts.maxToolPages ?? PROBE_DEFAULTS.maxToolPages);
      toolsMs = round(performance.now() - t);
      checkToolCount(tools.summary, opts.minTools);
    }
    if (opts.calls?.length) {
      calls = await callTools(ctx, session, opts.calls, tools?.definitions ?? null);
      if (calls.failure) throw calls.failure;
    }
  } catch (err) {
    failure = toFailure(err);
  } finally {
    await session?.close().catch(() => {});
    deadline.dispose();
    void ctx.dispatcher.destroy(CLOSED).catch(() => {});
    void ctx.streamDispatcher?.destroy(CLOSED).catch(() => {});
  }

  const result = buildResult(ctx, {
    url,
    startedAt,
    t0,
    session,
    tools: tools?.summary ?? null,
    toolsMs,
    failure,
    calls: opts.calls?.length ? (calls ?? notCalled(opts.calls)) : null,
    region: opts.region ?? 'local',
  });
  return tools && opts.keepToolDefinitions && tools.summary.fingerprint !== opts.knownToolsFingerprint
    ? { result, toolDefinitions: tools.definitions }
    : { result };
}

function parseTarget(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProbeUsageError(`not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ProbeUsageError(`only http and https URLs can be probed, not ${u.protocol}`);
  u.hash = '';
  return u;
}

/** The handshake, following up to 5 redirects when asked to. */
async function redirecting(ctx: ProbeContext, target: URL, opts: FullProbeOptions): Promise<McpSession> {
  let url = target;
  for (let hop = 0; ; hop++) {
    try {
      return await handshake(ctx, url, opts.era ?? 'auto', opts.eraCache);
    } catch (err) {
      const location = err instanceof ProbeFault && err.code === 'redirect' ? err.extra.location : undefined;
      if (!opts.followRedirects || !location || hop >= 5) throw err;
      url = new URL(location, url);
      ctx.warnings.push({
        code: 'redirected',
        message: `followed a ${err instanceof ProbeFault ? err.extra.httpStatus : ''} redirect to ${url.href}`,
      });
    }
  }
}

function checkToolCount(summary: ToolsSummary, minTools: number | undefined): void {
  if (summary.count === 0)
    throw new ProbeFault(
      'tools_list',
      'empty',
      'tools/list returned no tools although the server declares the tools capability',
    );
  if (minTools !== undefined && summary.count < minTools)
    throw new ProbeFault(
      'tools_list',
      'empty',
      `tools/list returned ${summary.count} tools; at least ${minTools} are expected`,
    );
}

function toFailure(err: unknown): Failure {
  if (err instanceof ProbeFault) return err.toFailure();
  // Not expected: a bug of ours rather than the server's. Still a classified result, never a crash.
  const message = err instanceof Error ? err.message : String(err);
  return {
    layer: 'http',
    code: 'malformed_http',
    message: `the probe failed unexpectedly: ${message.slice(0, 200)}`,
  };
}

interface Outcome {
  url: string;
  startedAt: string;
  t0: number;
  session: McpSession | null;
  tools: ToolsSummary | null;
  toolsMs: number | null;
  failure: Failure | null;
  /** The tool_call layer, when calls were asked for. */
  calls: CallsOutcome | null;
  region: string;
}

/** Every call skipped: an earlier layer failed. */
function notCalled(specs: NonNullable<ProbeOptions['calls']>): CallsOutcome {
  return {
    calls: specs.map((s) => ({
      tool: s.tool,
      status: 'skipped',
      durationMs: null,
      skipped: 'earlier_failure',
    })),
    durationMs: null,
    failure: null,
  };
}

function buildResult(ctx: ProbeContext, o: Outcome): ProbeResult {
  const conn = ctx.connector.state.first;
  const failedAt = o.failure ? LAYERS.indexOf(o.failure.layer) : LAYERS.length;
  const status = (layer: LayerName): LayerResult['status'] => {
    const i = LAYERS.indexOf(layer);
    if (i < failedAt) {
      if (layer === 'tools_list' && !o.tools) return 'skipped';
      if (layer === 'tool_call' && o.calls?.durationMs == null) return 'skipped';
      return 'ok';
    }
    return i === failedAt ? 'failed' : 'skipped';
  };
  const transportMs = conn ? round(conn.dnsMs + conn.connectMs + (conn.tlsMs ?? 0)) : null;
  const warnings = [...ctx.warnings];
  const tls = conn?.tls ?? null;
  if (tls && tls.daysRemaining >= 0 && tls.daysRemaining < PROBE_DEFAULTS.certExpiringDays)
    warnings.push({
      code: 'cert_expiring',
      message: `the TLS certificate expires in ${Math.floor(tls.daysRemaining)} days (${tls.validTo})`,
    });
  const ran = (layer: LayerName, ms: number | null) => ({
    status: status(layer),
    durationMs: status(layer) === 'skipped' ? null : ms,
  });

  return {
    url: o.url,
    region: o.region,
    startedAt: o.startedAt,
    durationMs: round(performance.now() - o.t0),
    ok: o.failure === null,
    transport: o.session?.transport ?? null,
    protocolVersion: o.session?.protocolVersion ?? null,
    failure: o.failure,
    layers: {
      transport: {
        ...ran('transport', transportMs),
        dnsMs: conn?.dnsMs ?? null,
        connectMs: conn?.connectMs ?? null,
        tlsMs: conn?.tlsMs ?? null,
        address: conn?.address ?? null,
      },
      http: {
        ...ran('http', ctx.handshake?.ttfbMs ?? null),
        statusCode: ctx.handshake?.status ?? o.failure?.httpStatus ?? null,
        ttfbMs: ctx.handshake?.ttfbMs ?? null,
      },
      initialize: ran('initialize', o.session ? round(o.session.initializeMs) : null),
      tools_list: ran('tools_list', o.toolsMs),
      ...(o.calls ? { tool_call: { ...ran('tool_call', o.calls.durationMs), calls: o.calls.calls } } : {}),
    },
    tls,
    server: o.session?.server ?? null,
    capabilities: bounded(o.session?.capabilities ?? null, 16 * 1024, warnings, 'capabilities'),
    auth: ctx.auth ?? (ctx.handshake ? { required: false, scheme: null, resourceMetadata: null } : null),
    tools: o.tools && {
      ...o.tools,
      items: o.tools.items.map((t) =>
        t.annotations && !bounded(t.annotations, 2048, warnings, 'tool annotations')
          ? { name: t.name, inputSchemaHash: t.inputSchemaHash }
          : t,
      ),
    },
    warnings,
  };
}

/** Server-supplied objects copied into the result, dropped when too deep or too large to store. */
function bounded<T>(
  value: T | null,
  maxChars: number,
  warnings: ProbeResult['warnings'],
  what: string,
): T | null {
  if (value === null) return null;
  try {
    if (canonicalJson(value).length <= maxChars) return value;
  } catch {
    // nested too deeply
  }
  if (!warnings.some((w) => w.code === 'oversized_metadata'))
    warnings.push({
      code: 'oversized_metadata',
      message: `the server's ${what} are too large or deep to keep; left out of the result`,
    });
  return null;
}
