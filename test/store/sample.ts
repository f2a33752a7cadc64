/** Realistic ProbeResults and StoredResults for the store tests and benchmark. */
import { LAYERS, type ErrorCode, type LayerName, type ProbeResult } from '../../src/probe/types.js';
import type { StoredResult } from '../../src/store/store.js';

export interface SampleOptions {
  /** Whole-probe duration in ms (default 120). */
  durationMs?: number;
  /** The layer that failed first (absent: the probe is ok). */
  failLayer?: LayerName;
  code?: ErrorCode;
  /** Duration of each layer that ran (default: transport 20, http 30, initialize 40, tools_list 30). */
  layerMs?: Partial<Record<LayerName, number>>;
}

const DEFAULT_LAYER_MS: Record<LayerName, number> = {
  transport: 20,
  http: 30,
  initialize: 40,
  tools_list: 30,
  tool_call: 0,
};

export function probeResult(at: number, opts: SampleOptions = {}): ProbeResult {
  const failAt = opts.failLayer ? LAYERS.indexOf(opts.failLayer) : LAYERS.length;
  const layer = (name: LayerName) => {
    const i = LAYERS.indexOf(name);
    const status = i < failAt ? 'ok' : i === failAt ? 'failed' : 'skipped';
    return {
      status,
      durationMs: status === 'skipped' ? null : (opts.layerMs?.[name] ?? DEFAULT_LAYER_MS[name]),
    } as const;
  };
  const ok = opts.failLayer === undefined;
  return {
    url: 'https://mcp.example.com/mcp',
    startedAt: new Date(at).toISOString(),
    durationMs: opts.durationMs ?? 120,
    ok,
    transport: 'streamable-http',
    protocolVersion: '2025-11-25',
    failure: ok
      ? null
      : { layer: opts.failLayer!, code: opts.code ?? 'connect_refused', message: 'the remote side failed' },
    layers: {
      transport: { ...layer('transport'), dnsMs: 2, connectMs: 5, tlsMs: 12, address: '203.0.113.7' },
      http: { ...layer('http'), statusCode: failAt > 1 ? 200 : null, ttfbMs: failAt > 1 ? 25 : null },
      initialize: layer('initialize'),
      tools_list: layer('tools_list'),
    },
    tls: {
      validFrom: '2025-01-01T00:00:00.000Z',
      validTo: '2026-01-01T00:00:00.000Z',
      daysRemaining: 180,
      subject: 'mcp.example.com',
      issuer: "Let's Encrypt R11",
      authorized: true,
    },
    server: { name: 'docs-search', version: '1.4.2' },
    capabilities: { tools: { listChanged: true } },
    auth: { required: false },
    tools: ok
      ? {
          count: 2,
          fingerprint: 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
          items: [
            { name: 'search_docs', inputSchemaHash: 'sha256:aa11' },
            { name: 'get_page', inputSchemaHash: 'sha256:bb22' },
          ],
        }
      : null,
    warnings: [],
  };
}

export function stored(server: string, region: string, at: number, opts: SampleOptions = {}): StoredResult {
  const result = probeResult(at, opts);
  return { server, region, at, ok: result.ok, result: { ...result, region } };
}

/** A tool surface like server-everything's (13 tools with annotations): results of ~4 KB as JSON. */
export function realisticResult(
  at: number,
  opts: SampleOptions & { fingerprint?: string; version?: string } = {},
): ProbeResult {
  const base = probeResult(at, opts);
  const names = [
    'echo',
    'get-annotated-message',
    'get-env',
    'get-resource-links',
    'get-resource-reference',
    'get-structured-content',
    'get-sum',
    'get-tiny-image',
    'gzip-file-as-resource',
    'simulate-research-query',
    'toggle-simulated-logging',
    'toggle-subscriber-updates',
    'trigger-long-running-operation',
  ];
  const hash = (i: number) => `sha256:${i.toString(16).padStart(2, '0').repeat(32)}`;
  return {
    ...base,
    server: {
      name: 'mcp-servers/everything',
      version: opts.version ?? '2.0.0',
      title: 'Everything Reference Server',
    },
    capabilities: {
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      logging: {},
      completions: {},
    },
    auth: { required: false, scheme: null, resourceMetadata: null },
    tools: base.ok
      ? {
          count: names.length,
          pages: 1,
          fingerprint: opts.fingerprint ?? hash(255).replace('ff', 'f0'),
          items: names.map((name, i) => ({
            name,
            inputSchemaHash: hash(i),
            annotations: {
              readOnlyHint: i % 2 === 0,
              destructiveHint: false,
              idempotentHint: true,
              openWorldHint: false,
            },
          })),
        }
      : null,
  };
}

/** Rounded to hundredths, as the prober rounds timings. */
const cents = (n: number): number => Math.round(n * 100) / 100;

/** `row` with a tool_call layer of two calls whose durations vary with `i` (as real calls do). */
export function withToolCall(row: StoredResult, i: number): StoredResult {
  const calls = [
    { tool: 'echo', status: 'ok' as const, durationMs: cents(10 + i / 100) },
    { tool: 'get-sum', status: 'ok' as const, durationMs: 20 + (i % 7) },
  ];
  return {
    ...row,
    result: {
      ...row.result,
      layers: { ...row.result.layers, tool_call: { status: 'ok', durationMs: cents(30 + i / 10), calls } },
    },
  };
}
