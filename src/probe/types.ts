/**
 * The probe's output contract, mirrored from ../shared/contracts/probe-result.schema.json.
 * Additive changes only: other tools consume these shapes.
 */

export const LAYERS = ['transport', 'http', 'initialize', 'tools_list', 'tool_call'] as const;
export type LayerName = (typeof LAYERS)[number];

export const ERROR_CODES = [
  // transport
  'dns_not_found',
  'dns_failed',
  'connect_refused',
  'connect_timeout',
  'connection_reset',
  'tls_handshake_failed',
  'tls_timeout',
  'tls_cert_expired',
  'tls_cert_not_yet_valid',
  'tls_hostname_mismatch',
  'tls_untrusted',
  'blocked_address',
  // http
  'redirect',
  'auth_required',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'not_acceptable',
  'rate_limited',
  'status_4xx',
  'status_5xx',
  'not_jsonrpc',
  'body_too_large',
  'malformed_http',
  // initialize (and any MCP step)
  'jsonrpc_error',
  'invalid_result',
  'unsupported_protocol_version',
  'session_error',
  'timeout',
  // tools_list
  'empty',
  'malformed',
  'invalid_schema',
  // tool_call (opt-in calls configured per server; also timeout, jsonrpc_error and http codes)
  'tool_error',
  'tool_not_found',
  'invalid_output',
  'unexpected_output',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type LayerStatus = 'ok' | 'failed' | 'skipped';
export type Transport = 'streamable-http' | 'sse';

export interface Failure {
  layer: LayerName;
  code: ErrorCode;
  /** One human sentence: what failed and what was seen. */
  message: string;
  httpStatus?: number;
  rpcCode?: number;
  location?: string;
}

export interface LayerResult {
  status: LayerStatus;
  durationMs: number | null;
}

export interface TransportLayer extends LayerResult {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  address: string | null;
}

export interface HttpLayer extends LayerResult {
  statusCode: number | null;
  ttfbMs: number | null;
}

export interface TlsFacts {
  validFrom: string;
  validTo: string;
  daysRemaining: number;
  subject?: string;
  issuer?: string;
  altNames?: string[];
  protocol?: string;
  authorized: boolean;
  error?: string | null;
}

export interface ServerInfo {
  name: string;
  version: string;
  title?: string;
}

export interface AuthInfo {
  required: boolean;
  scheme?: string | null;
  resourceMetadata?: string | null;
}

export interface ToolItem {
  name: string;
  inputSchemaHash: string;
  annotations?: Record<string, unknown>;
}

export interface ToolsSummary {
  count: number;
  pages?: number;
  /** sha256 of the canonical JSON of [{name, inputSchema}] sorted by name. */
  fingerprint: string;
  items: ToolItem[];
}

export interface ProbeWarning {
  code: string;
  message: string;
}

export interface ProbeResult {
  url: string;
  region?: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  transport?: Transport | null;
  protocolVersion?: string | null;
  failure: Failure | null;
  layers: {
    transport: TransportLayer;
    http: HttpLayer;
    initialize: LayerResult;
    tools_list: LayerResult;
    /** Present when calls were configured for the probe (ProbeOptions.calls). */
    tool_call?: ToolCallLayer;
  };
  tls?: TlsFacts | null;
  server?: ServerInfo | null;
  capabilities?: Record<string, unknown> | null;
  auth?: AuthInfo | null;
  tools?: ToolsSummary | null;
  warnings: ProbeWarning[];
}

/** One configured tool call as the probe made it (or did not). */
export interface ToolCallOutcome {
  tool: string;
  /** `skipped`: not due this probe, refused by the read-only guard, or after an earlier failure. */
  status: LayerStatus;
  durationMs: number | null;
  /** Failed calls: the code and message (the first failed call is also the result's `failure`). */
  code?: ErrorCode;
  message?: string;
  /** Skipped calls: why. */
  skipped?: 'not_due' | 'not_read_only' | 'earlier_failure';
}

export interface ToolCallLayer extends LayerResult {
  calls: ToolCallOutcome[];
}

/** A tool as the server listed it: kept by the monitor so that two surfaces can be diffed. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: Record<string, unknown>;
}

/** What a tool call's answer must show besides not being an error (all given checks must hold). */
export interface ToolCallExpect {
  /** Some text content block contains this string. */
  textContains?: string;
  /** structuredContent has these top-level fields with these (deeply equal) values. */
  structured?: Record<string, unknown>;
}

/** One call the probe makes: `tools/call` with `name: tool` and these arguments. */
export interface ToolCallSpec {
  tool: string;
  arguments?: Record<string, unknown>;
  expect?: ToolCallExpect;
  /** Call it although the server does not annotate it `readOnlyHint: true`. */
  allowWrite?: boolean;
  /** Listed in the result as skipped (`not_due`) instead of being called: the monitor's `every`. */
  notDue?: boolean;
}

/** Which protocol era/transport to use. `auto` detects it as the 2026-07-28 spec says. */
export type EraPin = 'auto' | 'stateless' | 'streamable-http' | 'sse';

export interface ProbeOptions {
  /** Extra request headers, e.g. { Authorization: 'Bearer …' }. */
  headers?: Record<string, string>;
  /** Total deadline in ms (default 10 000). */
  timeoutMs?: number;
  /** PEM text of extra trusted CA certificates. */
  ca?: string | Buffer;
  /** Follow redirects (default false: a 3xx is `http/redirect`). At most 5 hops. */
  followRedirects?: boolean;
  /** Fewer tools than this fails the probe as `tools_list/empty` (the message says how many were listed). */
  minTools?: number;
  /** Pin the era/transport instead of detecting it. */
  era?: EraPin;
  /** Refuse private, loopback and link-local addresses (checked on the connected address). */
  blockPrivateAddresses?: boolean;
  /** Byte cap on every body after decompression (default 4 MiB). */
  maxBodyBytes?: number;
  /** Cap on SSE events read per stream (default 1000). */
  maxSseEvents?: number;
  /** Cap on tools/list pages (default 50). */
  maxToolPages?: number;
  /**
   * Tools to call after tools/list (the `tool_call` layer). Only tools annotated `readOnlyHint: true`
   * are called unless the call says `allowWrite: true`; others are skipped with a warning, never sent.
   */
  calls?: ToolCallSpec[];
  /** Region label written into the result (default 'local'). */
  region?: string;
  /**
   * Detected eras, shared across probes by the monitor. Keyed by endpoint URL rather than by origin (as
   * the spec suggests for a single client): a monitor watches several endpoints on one origin, and
   * they need not speak the same era. A cached era that stops working is re-detected in the same probe.
   */
  eraCache?: Map<string, EraPin>;
  /** Keep the full tool definitions (for drift diffs); returned beside the result, not in it. */
  keepToolDefinitions?: boolean;
  /** With keepToolDefinitions: the listing the caller already holds; its definitions are not returned again. */
  knownToolsFingerprint?: string;
  /** Cancels the probe; it still resolves with a classified result. */
  signal?: AbortSignal;
  /** Injected clock for tests (ms since epoch). */
  now?: () => number;
}

/** What `probe()` returns: the contract result, plus the full tool list when asked. */
export interface ProbeOutcome {
  result: ProbeResult;
  toolDefinitions?: ToolDefinition[];
}
