/** JSON Schemas of the MCP face's tool outputs (each tool's outputSchema; structuredContent matches it). */
import { ERROR_CODES, LAYERS } from '../probe/types.js';
import { SERVER_STATES, SEVERITIES } from '../engine/types.js';

export type Schema = Record<string, unknown>;

const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const rate = nullable({ type: 'number', minimum: 0, maximum: 1 });
const ms = nullable({ type: 'number', minimum: 0 });
const time = nullable({ type: 'string', description: 'ISO 8601' });

export const layerSchema: Schema = { type: 'string', enum: [...LAYERS] };
export const codeSchema: Schema = { type: 'string', enum: [...ERROR_CODES] };
export const stateSchema: Schema = {
  type: 'string',
  enum: [...SERVER_STATES],
};
export const failureSchema: Schema = nullable({
  type: 'object',
  required: ['layer', 'code'],
  properties: { layer: layerSchema, code: codeSchema },
});

export const statusSchema: Schema = {
  type: 'object',
  required: ['server', 'url', 'state', 'failure', 'errorRate', 'p95Ms', 'slo', 'openIncident', 'lastProbeAt'],
  properties: {
    server: { type: 'string' },
    url: { type: 'string', description: 'the endpoint, with secrets in its path or query redacted' },
    paused: { type: 'boolean' },
    state: stateSchema,
    failure: failureSchema,
    errorRate: {
      type: 'object',
      description: 'failed / total probe rounds per window (0..1), null when the window holds none',
      required: ['5m', '15m', '1h', '24h', '30d'],
      properties: { '5m': rate, '15m': rate, '1h': rate, '24h': rate, '7d': rate, '30d': rate },
    },
    p95Ms: {
      type: 'object',
      required: ['1h', '7d'],
      properties: { '1h': ms, '7d': ms },
    },
    slo: {
      type: 'object',
      required: ['target', 'remainingBudget'],
      properties: {
        target: { type: 'number', description: 'percent, e.g. 99.9' },
        remainingBudget: { type: 'number', description: 'fraction of the error budget left (1 = untouched)' },
        burnRates: { type: 'object', additionalProperties: nullable({ type: 'number' }) },
        projectedExhaustionAt: time,
      },
    },
    openIncident: nullable({ type: 'string' }),
    lastProbeAt: time,
  },
};

export const incidentSchema: Schema = {
  type: 'object',
  required: ['id', 'server', 'severity', 'status', 'trigger', 'layer', 'code', 'openedAt', 'resolvedAt'],
  properties: {
    id: { type: 'string' },
    server: { type: 'string' },
    severity: { type: 'string', enum: [...SEVERITIES] },
    status: { type: 'string' },
    trigger: { type: 'string' },
    layer: nullable({ type: 'string' }),
    code: nullable({ type: 'string' }),
    openedAt: { type: 'string', description: 'ISO 8601' },
    acknowledgedAt: time,
    resolvedAt: time,
    timeline: {
      type: 'array',
      description: 'the last entries of the timeline, oldest first',
      items: {
        type: 'object',
        required: ['at', 'kind', 'message'],
        properties: { at: { type: 'string' }, kind: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

export const explanationSchema: Schema = {
  type: 'object',
  required: ['server', 'healthy', 'layer', 'code', 'message', 'explanation', 'at'],
  properties: {
    server: nullable({ type: 'string' }),
    healthy: { type: 'boolean', description: 'true when the server passed its last probe' },
    layer: nullable(layerSchema),
    code: nullable(codeSchema),
    message: nullable({ type: 'string', description: 'what the probe saw, in one sentence' }),
    explanation: { type: 'string', description: 'what it means for an agent and what usually fixes it' },
    at: time,
  },
};

export const probeAnswerSchema: Schema = {
  type: 'object',
  required: ['url', 'healthy', 'failure', 'explanation', 'durationMs', 'result'],
  properties: {
    url: { type: 'string' },
    healthy: { type: 'boolean' },
    failure: nullable({
      type: 'object',
      required: ['layer', 'code', 'message'],
      properties: { layer: layerSchema, code: codeSchema, message: { type: 'string' } },
    }),
    explanation: nullable({ type: 'string' }),
    durationMs: { type: 'number' },
    result: {
      type: 'object',
      description: 'the whole ProbeResult (contracts/probe-result.schema.json)',
    },
  },
};
