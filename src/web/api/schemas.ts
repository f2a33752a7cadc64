/**
 * JSON Schemas of the API: request schemas validate (fastify/ajv, draft-07 subset, no $ref), and the
 * component schemas describe responses in the OpenAPI document (openapi.ts) by `$ref`.
 */
import { LAYERS, ERROR_CODES } from '../../probe/types.js';
import { INCIDENT_STATUSES, SERVER_STATES, SEVERITIES } from '../../engine/types.js';

export type JsonSchema = Record<string, unknown>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const ms = { type: 'integer', description: 'ms since epoch' };
const rate = nullable({ type: 'number', minimum: 0, maximum: 1 });
const layerEnum = { type: 'string', enum: [...LAYERS] };
const byLayer = (value: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(LAYERS.map((l) => [l, value])),
});
const windows = ['5m', '15m', '1h', '24h', '7d', '30d'];
const byWindow = (value: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(windows.map((w) => [w, value])),
});

// ---- request pieces ----

export const NAME_PATTERN = '^[a-z0-9-]{1,63}$';
export const serverParams: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: NAME_PATTERN } },
};
export const idParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
};
export const noBody: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

const duration = {
  anyOf: [
    { type: 'string', maxLength: 40 },
    { type: 'integer', minimum: 0 },
  ],
};
const stringList = { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 200 } };

/** A server entry in the config's YAML shape (config/raw.ts); the monitor validates the rest. */
const rawServerProperties: Record<string, JsonSchema> = {
  name: { type: 'string', pattern: NAME_PATTERN },
  url: { type: 'string', maxLength: 2048, pattern: '^https?://' },
  headers: { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 8192 } },
  interval: duration,
  timeout: duration,
  confirm: {
    type: 'object',
    additionalProperties: false,
    properties: { every: duration, failures: { type: 'integer', minimum: 1, maximum: 100 } },
  },
  recover: {
    type: 'object',
    additionalProperties: false,
    properties: { successes: { type: 'integer', minimum: 1, maximum: 100 } },
  },
  slo: {
    type: 'object',
    additionalProperties: false,
    properties: {
      target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
      window: duration,
      layers: { type: 'array', items: layerEnum },
      minSamples: { type: 'integer', minimum: 1 },
    },
  },
  thresholds: {
    type: 'object',
    maxProperties: 20,
    additionalProperties: { anyOf: [{ type: 'number' }, duration] },
  },
  regions: stringList,
  era: { type: 'string', enum: ['auto', 'stateless', 'streamable-http', 'sse'] },
  followRedirects: { type: 'boolean' },
  expect: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minTools: { type: 'integer', minimum: 0 },
      tools: stringList,
      auth: { type: 'string', enum: ['none', 'required'] },
    },
  },
  tags: stringList,
  ca: { type: 'string', maxLength: 4096 },
  paused: { type: 'boolean' },
  routes: {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(SEVERITIES.map((s) => [s, stringList])),
  },
  /** servers[].telemetry (docs/config.md); checked in full by the config schema. */
  telemetry: { type: 'object', maxProperties: 20 },
};

export const rawServerBody: JsonSchema = {
  type: 'object',
  required: ['name', 'url'],
  additionalProperties: false,
  properties: rawServerProperties,
};

export const serverPatchBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(Object.entries(rawServerProperties).filter(([k]) => k !== 'name')),
};

// ---- response components (OpenAPI only) ----

const percentiles = {
  type: 'object',
  properties: {
    p50: nullable({ type: 'number' }),
    p95: nullable({ type: 'number' }),
    p99: nullable({ type: 'number' }),
  },
};

export const COMPONENTS: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details (application/problem+json).',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', format: 'uri-reference' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: { type: 'array', items: { type: 'object' } },
      problems: { type: 'array', items: { type: 'object' } },
    },
  },
  Slo: {
    type: 'object',
    required: ['target', 'budget', 'consumed', 'remainingBudget', 'burnRates', 'projectedExhaustionAt'],
    properties: {
      target: { type: 'number', description: 'percent' },
      windowMs: { type: 'integer' },
      budget: { type: 'number', description: 'allowed unavailable fraction, 1 - target/100' },
      consumed: { type: 'number', description: 'fraction of the budget spent (above 1: overspent)' },
      budgetMinutes: {
        type: 'number',
        description: 'the budget as minutes of unavailable time over the window',
      },
      consumedMinutes: { type: 'number', description: 'minutes of unavailable time in the window so far' },
      remainingBudget: { type: 'number', description: '1 - consumed' },
      burnRates: { type: 'object', additionalProperties: nullable({ type: 'number' }) },
      projectedExhaustionAt: nullable(ms),
    },
  },
  ServerSummary: {
    type: 'object',
    required: ['server', 'state', 'failure', 'errorRate', 'p95Ms', 'slo'],
    properties: {
      server: { type: 'string' },
      state: { type: 'string', enum: [...SERVER_STATES] },
      failure: nullable({
        type: 'object',
        properties: { layer: layerEnum, code: { type: 'string', enum: [...ERROR_CODES] } },
      }),
      since: nullable(ms),
      lastProbeAt: nullable(ms),
      paused: { type: 'boolean' },
      errorRate: byWindow(rate),
      errorRateByLayer: byWindow(byLayer(rate)),
      p95Ms: {
        type: 'object',
        properties: { '1h': nullable({ type: 'number' }), '7d': nullable({ type: 'number' }) },
      },
      latencyMs: { type: 'object', additionalProperties: percentiles },
      slo: ref('Slo'),
      openIncidentId: nullable({ type: 'string' }),
      activeWarnings: { type: 'integer' },
      tlsDaysRemaining: nullable({ type: 'number' }),
      lastProbe: nullable({ type: 'object' }),
      maintenance: nullable({
        type: 'object',
        properties: { title: nullable({ type: 'string' }), end: ms },
      }),
    },
  },
  Server: {
    type: 'object',
    description: 'A server as configured; header values and secret-looking URL parts are never shown.',
    required: ['name', 'url', 'headers', 'paused'],
    properties: {
      name: { type: 'string' },
      url: { type: 'string' },
      headers: { type: 'array', items: { type: 'string' }, description: 'header names only' },
      timeoutMs: { type: 'integer' },
      intervalMs: { type: 'integer' },
      era: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      regions: { type: 'array', items: { type: 'string' } },
      paused: { type: 'boolean' },
      summary: nullable(ref('ServerSummary')),
    },
  },
  ProbeResult: {
    type: 'object',
    description: 'The probe contract: contracts/probe-result.schema.json (JSON Schema 2020-12).',
    required: ['url', 'startedAt', 'durationMs', 'ok', 'failure', 'layers'],
  },
  StoredResult: {
    type: 'object',
    required: ['id', 'server', 'region', 'at', 'ok', 'result'],
    properties: {
      id: { type: 'integer' },
      server: { type: 'string' },
      region: { type: 'string' },
      at: ms,
      ok: { type: 'boolean' },
      explanation: nullable({ type: 'string', description: 'plain words for the failure code' }),
      result: ref('ProbeResult'),
    },
  },
  WindowStats: {
    type: 'object',
    properties: {
      window: { type: 'string' },
      windowMs: { type: 'integer' },
      since: ms,
      until: ms,
      total: { type: 'integer' },
      failed: { type: 'integer' },
      errorRate: rate,
      failedByLayer: byLayer({ type: 'integer' }),
      errorRateByLayer: byLayer(rate),
      latencyMs: { type: 'object', additionalProperties: percentiles },
    },
  },
  Series: {
    type: 'object',
    properties: {
      window: { type: 'string' },
      granularity: { type: 'string', enum: ['minute', 'hour', 'day'] },
      stepMs: { type: 'integer' },
      points: { type: 'array', items: { type: 'object' } },
    },
  },
  ToolSurface: {
    type: 'object',
    required: ['id', 'server', 'fingerprint', 'firstSeenAt'],
    properties: {
      id: { type: 'integer' },
      server: { type: 'string' },
      fingerprint: { type: 'string' },
      serverVersion: nullable({ type: 'string' }),
      firstSeenAt: ms,
      tools: { type: 'array', items: { type: 'object' } },
    },
  },
  SurfaceDiff: {
    type: 'object',
    required: ['from', 'to', 'added', 'removed', 'changed', 'breaking'],
    properties: {
      from: { type: 'object' },
      to: { type: 'object' },
      added: { type: 'array', items: { type: 'string' } },
      removed: { type: 'array', items: { type: 'string' } },
      changed: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            breaking: { type: 'boolean' },
            changes: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  path: { type: 'string' },
                  kind: { type: 'string', enum: ['added', 'removed', 'changed'] },
                  description: { type: 'string' },
                  breaking: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
      versionUnchanged: { type: 'boolean' },
      breaking: { type: 'boolean' },
    },
  },
  Incident: {
    type: 'object',
    description: 'As `mcpwatch incidents --json` prints it, plus the engine fields.',
    required: ['id', 'server', 'severity', 'status', 'trigger', 'layer', 'code', 'openedAt', 'timeline'],
    properties: {
      id: { type: 'string' },
      server: { type: 'string' },
      severity: { type: 'string', enum: [...SEVERITIES] },
      status: { type: 'string', enum: [...INCIDENT_STATUSES] },
      trigger: { type: 'string' },
      activeTriggers: { type: 'array', items: { type: 'string' } },
      layer: nullable(layerEnum),
      code: nullable({ type: 'string' }),
      openedAt: ms,
      firstFailureAt: nullable(ms),
      acknowledgedAt: nullable(ms),
      acknowledgedBy: nullable({ type: 'string' }),
      resolvedAt: nullable(ms),
      failedProbes: { type: 'integer' },
      timeline: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'kind', 'message'],
          properties: { at: ms, kind: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
  Warning: {
    type: 'object',
    required: ['id', 'server', 'rule', 'message', 'openedAt', 'clearedAt'],
    properties: {
      id: { type: 'string' },
      server: { type: 'string' },
      rule: { type: 'string' },
      message: { type: 'string' },
      openedAt: ms,
      clearedAt: nullable(ms),
    },
  },
  Postmortem: {
    type: 'object',
    required: [
      'incidentId',
      'status',
      'facts',
      'whatHappened',
      'why',
      'whyNotSooner',
      'whatWeChange',
      'whenWeVerify',
    ],
    properties: {
      incidentId: { type: 'string' },
      server: { type: 'string' },
      status: { type: 'string', enum: ['draft', 'published'] },
      saved: { type: 'boolean', description: 'false: a draft made now, not stored yet' },
      facts: { type: 'object' },
      whatHappened: { type: 'string' },
      why: { type: 'string' },
      whyNotSooner: { type: 'string' },
      whatWeChange: { type: 'string' },
      whenWeVerify: { type: 'string' },
      publishedAt: nullable(ms),
      updatedAt: ms,
      updatedBy: nullable({ type: 'string' }),
    },
  },
  MaintenanceWindow: {
    type: 'object',
    required: ['id', 'servers', 'start', 'end', 'excludeFromSlo'],
    properties: {
      id: { type: 'string' },
      servers: { anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }] },
      start: ms,
      end: ms,
      title: { type: 'string' },
      excludeFromSlo: { type: 'boolean' },
      source: { type: 'string', enum: ['config', 'api'] },
    },
  },
  StatusPage: {
    type: 'object',
    required: ['slug', 'title', 'servers', 'url'],
    properties: {
      slug: { type: 'string' },
      title: { type: 'string' },
      description: nullable({ type: 'string' }),
      servers: { type: 'array', items: { type: 'string' } },
      url: { type: 'string' },
      status: { type: 'object' },
      components: { type: 'array', items: { type: 'object' } },
    },
  },
  ChannelHealth: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      type: { type: 'string' },
      enabled: { type: 'boolean' },
      lastSuccessAt: nullable(ms),
      lastFailureAt: nullable(ms),
      lastError: nullable({ type: 'string' }),
      pending: { type: 'integer' },
    },
  },
  ToolCallWindow: {
    type: 'object',
    description: 'Calls of one tool over one window (real traffic, from OpenTelemetry).',
    properties: {
      calls: { type: 'integer' },
      errors: { type: 'integer' },
      errorRate: rate,
      latency: percentiles,
    },
  },
  ToolStats: {
    type: 'object',
    description:
      'One tool of a server as its OpenTelemetry spans and metrics tell: calls, errors, error rate and latency (ms) over the rule window, and every window.',
    required: ['name', 'calls', 'errors', 'errorRate', 'latency', 'windows'],
    properties: {
      name: { type: 'string' },
      calls: { type: 'integer' },
      errors: { type: 'integer' },
      errorRate: rate,
      latency: percentiles,
      windows: {
        type: 'object',
        properties: Object.fromEntries(['5m', '1h', '24h'].map((w) => [w, ref('ToolCallWindow')])),
      },
      failing: { type: 'boolean', description: 'the tool_error_rate trigger names this tool now' },
      threshold: {
        type: 'object',
        properties: {
          errorRate: { type: 'number' },
          minCalls: { type: 'integer' },
          alert: { type: 'boolean' },
        },
      },
      lastCallAt: ms,
      lastErrorAt: nullable(ms),
      lastErrorType: nullable({ type: 'string', description: 'error.type of the last failed call' }),
    },
  },
  Token: {
    type: 'object',
    description: 'A token as listed: never its secret or hash.',
    required: ['id', 'name', 'scope', 'createdAt'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', enum: ['read', 'admin', 'ingest', 'agent'] },
      createdAt: ms,
    },
  },
};

/** `{ items: [...] }` (and `next` when paged). */
export const listOf = (name: string, paged = false): JsonSchema => ({
  type: 'object',
  required: paged ? ['items', 'next'] : ['items'],
  properties: {
    items: { type: 'array', items: ref(name) },
    ...(paged ? { next: nullable({ type: 'string', description: 'cursor of the next page' }) } : {}),
  },
});
