/** /api/v1/servers/:name/tools: per-tool calls, errors, error rate and latency from OpenTelemetry. */
import type { ServerConfig } from '../../config/types.js';
import { buildTelemetry } from '../../config/build-server.js';
import { thresholdsOf } from '../../telemetry/tool-rules.js';
import type { ToolStats, ToolWindow, ToolWindowName } from '../../telemetry/tool-windows.js';
import { requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { ref, serverParams } from './schemas.js';

export interface ToolCallWindowJson {
  calls: number;
  errors: number;
  errorRate: number | null;
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

export interface ToolStatsJson extends ToolCallWindowJson {
  name: string;
  windows: Record<ToolWindowName, ToolCallWindowJson>;
  failing: boolean;
  threshold: { errorRate: number; minCalls: number; alert: boolean };
  lastCallAt: number;
  lastErrorAt: number | null;
  lastErrorType: string | null;
}

function windowJson(w: ToolWindow): ToolCallWindowJson {
  return {
    calls: w.calls,
    errors: w.errors,
    errorRate: w.errorRate === null ? null : Math.round(w.errorRate * 10_000) / 10_000,
    latency: { p50: w.p50, p95: w.p95, p99: w.p99 },
  };
}

/** The API shape of a server's tools; the top-level numbers are those of `window`. */
export function toolStatsJson(
  server: ServerConfig,
  stats: readonly ToolStats[],
  failing: ReadonlySet<string>,
  window: ToolWindowName,
): ToolStatsJson[] {
  const cfg = server.telemetry ?? buildTelemetry(server.name, {});
  return stats.map((t) => ({
    name: t.tool,
    ...windowJson(t.windows[window]),
    windows: {
      '5m': windowJson(t.windows['5m']),
      '1h': windowJson(t.windows['1h']),
      '24h': windowJson(t.windows['24h']),
    },
    failing: failing.has(t.tool),
    threshold: thresholdsOf(cfg, t.tool),
    lastCallAt: t.lastCallAt,
    lastErrorAt: t.lastErrorAt,
    lastErrorType: t.lastErrorType,
  }));
}

export function ruleWindow(server: ServerConfig): ToolWindowName {
  return (server.telemetry?.windowMs ?? 0) > 5 * 60_000 ? '1h' : '5m';
}

export const toolRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/servers/:name/tools',
    access: 'read',
    tag: 'stats',
    summary: 'Per-tool calls, errors, error rate and latency p50/p95/p99 from OpenTelemetry (real traffic)',
    description:
      'Tools of the server with a call in the last 24 h, by name. The top-level numbers are over `window` (default: the window of the tool rules, 5m); `windows` has 5m, 1h and 24h.',
    params: serverParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { window: { type: 'string', enum: ['5m', '1h', '24h'] } },
    },
    response: {
      status: 200,
      description: 'the tools, by name',
      schema: {
        type: 'object',
        properties: {
          server: { type: 'string' },
          serviceName: { type: 'string' },
          window: { type: 'string' },
          items: { type: 'array', items: ref('ToolStats') },
        },
      },
    },
    problems: [404],
    async handler({ params, query }, { view }) {
      const server = requireServer(view, params.name!);
      const window = (query['window'] as ToolWindowName | undefined) ?? ruleWindow(server);
      const stats = view.telemetry?.tools(server.name) ?? [];
      const failing = new Set(view.toolFacts?.(server.name)?.failing.map((t) => t.tool) ?? []);
      return {
        server: server.name,
        serviceName: server.telemetry?.serviceName ?? server.name,
        window,
        items: toolStatsJson(server, stats, failing, window),
      };
    },
  },
];
