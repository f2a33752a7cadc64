/**
 * The tools of the MCP face, as data: name, schemas, annotations and a handler returning either
 * structured data (sent as structuredContent, plus its JSON as text) or a refusal in plain words
 * (sent as a tool result with isError: true). Every tool but probe_url only reads what the monitor
 * already knows; probe_url probes one URL, for admin callers only, with the same address guard as
 * the API (a public monitor refuses private, loopback and reserved addresses).
 */
import { LIKELY_FIX } from '../probe/explain.js';
import { incidentJson } from '../engine/incident-json.js';
import { probe, PROBE_DEFAULTS } from '../probe/index.js';
import type { ErrorCode } from '../probe/types.js';
import { blockedUrlReason } from '../probe/url-guard.js';
import { publicProbeResult, redactUrl } from '../monitor/redact.js';
import {
  codeSchema,
  explanationSchema,
  failureSchema,
  incidentSchema,
  probeAnswerSchema,
  stateSchema,
  statusSchema,
  type Schema,
} from './schemas.js';
import type { McpSource } from './source.js';

export type ToolAnswer = { ok: true; data: Record<string, unknown> } | { ok: false; text: string };

export interface ToolContext {
  source: McpSource;
  /** Whether the caller may use admin tools (an admin token, or `mcpwatch mcp --allow-probe`). */
  admin: boolean;
}

export interface McpTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Schema;
  outputSchema: Schema;
  annotations: { readOnlyHint: boolean; openWorldHint: boolean; idempotentHint?: boolean };
  /** Listed and callable only for admin callers. */
  admin?: boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolAnswer>;
}

const refuse = (text: string): ToolAnswer => ({ ok: false, text });
const TIMELINE_ENTRIES = 10;
const PROBE_TIMEOUT_MAX_MS = 30_000;

function unknownServer(ctx: ToolContext, name: string): ToolAnswer {
  const known = ctx.source.servers().map((s) => s.name);
  return refuse(
    `no server named "${name}"; configured: ${known.length ? known.join(', ') : '(none)'}. Call list_servers.`,
  );
}

async function statusOf(ctx: ToolContext, name: string) {
  const cfg = ctx.source.servers().find((s) => s.name === name);
  if (!cfg) return null;
  const entry = (await ctx.source.statuses()).find((e) => e.server === name);
  if (!entry) return null;
  return { ...entry, url: redactUrl(cfg.url), paused: cfg.paused };
}

const listServers: McpTool = {
  name: 'list_servers',
  title: 'List monitored MCP servers',
  description:
    'Every MCP server this monitor watches, with its current state (up, degraded, down, unknown, maintenance), the failing layer and code when it fails, and its open incident.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  outputSchema: {
    type: 'object',
    required: ['servers'],
    properties: {
      servers: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'url', 'state', 'failure', 'openIncident'],
          properties: {
            name: { type: 'string' },
            url: { type: 'string' },
            state: stateSchema,
            failure: failureSchema,
            openIncident: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          },
        },
      },
    },
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async run(_args, ctx) {
    const byName = new Map((await ctx.source.statuses()).map((e) => [e.server, e]));
    return {
      ok: true,
      data: {
        servers: ctx.source.servers().map((s) => {
          const e = byName.get(s.name);
          return {
            name: s.name,
            url: redactUrl(s.url),
            state: e?.state ?? 'unknown',
            failure: e?.failure ?? null,
            openIncident: e?.openIncident ?? null,
          };
        }),
      },
    };
  },
};

const getServer: McpTool = {
  name: 'get_server',
  title: 'One server in detail',
  description:
    'One monitored server: state, failing layer and code, error rates per window (5m … 30d, as fractions 0..1), p95 latency (1h, 7d), SLO target and the error budget left, and its open incident. The same numbers as `mcpwatch status --json`.',
  inputSchema: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', description: 'the server name, as list_servers gives it' } },
    additionalProperties: false,
  },
  outputSchema: statusSchema,
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async run(args, ctx) {
    const name = args.name as string;
    const status = await statusOf(ctx, name);
    return status ? { ok: true, data: status } : unknownServer(ctx, name);
  },
};

const listIncidents: McpTool = {
  name: 'list_incidents',
  title: 'Open and recent incidents',
  description:
    'Incidents, newest first, with severity (P1 outage, P2 degraded, P3 leading indicator), status, trigger, the failing layer and code, and the last timeline entries. By default open and resolved ones; `open: true` for open ones only.',
  inputSchema: {
    type: 'object',
    properties: {
      open: { type: 'boolean', description: 'only incidents that are not resolved' },
      server: { type: 'string', description: 'only this server' },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
    },
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    required: ['incidents'],
    properties: { incidents: { type: 'array', items: incidentSchema } },
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async run(args, ctx) {
    const server = args.server as string | undefined;
    if (server !== undefined && !ctx.source.servers().some((s) => s.name === server))
      return unknownServer(ctx, server);
    const incidents = await ctx.source.incidents({
      open: args.open === true ? true : undefined,
      server,
      limit: (args.limit as number | undefined) ?? 20,
    });
    return {
      ok: true,
      data: {
        incidents: incidents.map((i) => {
          const j = incidentJson(i);
          return {
            id: j.id,
            server: j.server,
            severity: j.severity,
            status: j.status,
            trigger: j.trigger,
            layer: j.layer,
            code: j.code,
            openedAt: j.openedAt,
            acknowledgedAt: j.acknowledgedAt,
            resolvedAt: j.resolvedAt,
            timeline: j.timeline.slice(-TIMELINE_ENTRIES),
          };
        }),
      },
    };
  },
};

const explainFailure: McpTool = {
  name: 'explain_failure',
  title: 'Explain a failure in plain words',
  description:
    "What a server's current failure means for an agent and what usually fixes it (give `server`), or what a failure code means (give `code`, e.g. auth_required, session_error).",
  inputSchema: {
    type: 'object',
    properties: {
      server: { type: 'string', description: 'a server name: explains its last probe' },
      code: { ...codeSchema, description: 'a failure code: explains the code' },
    },
    additionalProperties: false,
  },
  outputSchema: explanationSchema,
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async run(args, ctx) {
    const name = args.server as string | undefined;
    const code = args.code as ErrorCode | undefined;
    if (name === undefined && code === undefined) return refuse('give `server` (a server name) or `code`');
    if (name === undefined) {
      return {
        ok: true,
        data: {
          server: null,
          healthy: false,
          layer: null,
          code,
          message: null,
          explanation: LIKELY_FIX[code!],
          at: null,
        },
      };
    }
    const cfg = ctx.source.servers().find((s) => s.name === name);
    if (!cfg) return unknownServer(ctx, name);
    const status = await statusOf(ctx, name);
    const last = await ctx.source.lastResult(name);
    const failure = last?.result.failure ?? null;
    const judged = status?.failure ?? null;
    const at = last ? new Date(last.at).toISOString() : null;
    if (!failure && !judged) {
      const explanation = last
        ? `${name} is healthy: its last probe passed every layer in ${Math.round(last.result.durationMs)} ms.`
        : `${name} has not been probed yet.`;
      return {
        ok: true,
        data: {
          server: name,
          healthy: last !== null,
          layer: null,
          code: null,
          message: null,
          explanation,
          at,
        },
      };
    }
    const f = failure ?? { layer: judged!.layer, code: judged!.code, message: null };
    const message = failure ? publicProbeResult(last!.result, cfg).failure!.message : null;
    return {
      ok: true,
      data: {
        server: name,
        healthy: false,
        layer: f.layer,
        code: f.code,
        message,
        explanation: `${name} fails at the ${f.layer} layer (${f.code}). ${LIKELY_FIX[f.code]}`,
        at,
      },
    };
  },
};

const probeUrl: McpTool = {
  name: 'probe_url',
  title: 'Probe an MCP endpoint now',
  description:
    'Runs one layered probe of a URL (transport, HTTP, the MCP handshake, tools/list) and says which layer failed and why. Admin only. Not stored, not judged. A public monitor refuses private, loopback and reserved addresses.',
  inputSchema: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', description: 'the MCP endpoint, http:// or https://' },
      headers: {
        type: 'object',
        description: 'extra request headers, e.g. Authorization',
        additionalProperties: { type: 'string' },
      },
      timeoutMs: { type: 'integer', minimum: 100, maximum: PROBE_TIMEOUT_MAX_MS },
    },
    additionalProperties: false,
  },
  outputSchema: probeAnswerSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  admin: true,
  async run(args, ctx) {
    const url = args.url as string;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse(`"${url}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return refuse(`only http:// and https:// URLs can be probed, not ${parsed.protocol}`);
    const isPublic = ctx.source.config().server.public;
    if (isPublic) {
      const reason = await blockedUrlReason(url);
      if (reason) return refuse(reason);
    }
    const result = await probe(url, {
      headers: args.headers as Record<string, string> | undefined,
      timeoutMs: (args.timeoutMs as number | undefined) ?? PROBE_DEFAULTS.timeoutMs,
      blockPrivateAddresses: isPublic,
    });
    const shown = publicProbeResult(result, undefined);
    const f = shown.failure;
    return {
      ok: true,
      data: {
        url: shown.url,
        healthy: f === null,
        failure: f ? { layer: f.layer, code: f.code, message: f.message } : null,
        explanation: f ? LIKELY_FIX[f.code] : null,
        durationMs: result.durationMs,
        result: shown as unknown as Record<string, unknown>,
      },
    };
  },
};

export const MCP_TOOLS: readonly McpTool[] = [
  listServers,
  getServer,
  listIncidents,
  explainFailure,
  probeUrl,
];
