/**
 * Routes of the regional agents (docs/agents.md): `GET /agent/assignments` (what to probe, with an
 * ETag) and `POST /agent/results` (results in batches). They take tokens of scope `agent` only, and
 * an agent token opens nothing else. `GET /agents` tells people which agents are online.
 */
import { AgentRouteError, MAX_PUSH_RESULTS, type AgentHubFace, type PushBody } from '../../agent/protocol.js';
import { ProblemError } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import type { ApiRoute } from './route.js';
import { requireServer } from './common.js';
import { serverParams } from './schemas.js';
import { hubRegionOf, viewRegionRows } from '../regions.js';

const region = { type: 'string', pattern: '^[a-z0-9-]{1,64}$' };
const agentId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };

function hubOf(view: MonitorView): AgentHubFace {
  if (!view.agents) throw new ProblemError('not-found', 'this mcpwatch does not take regional agents');
  return view.agents;
}

function refused(err: unknown): never {
  if (err instanceof AgentRouteError) throw new ProblemError('bad-request', err.message);
  throw err;
}

export const agentRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/agent/assignments',
    access: 'agent',
    tag: 'agents',
    summary: "A region's assignments: the servers whose regions include it, with their probe settings",
    description:
      'Answers 304 to If-None-Match with the current ETag. Server headers (credentials of the probed servers) are included: the agent needs them to probe.',
    query: {
      type: 'object',
      required: ['region'],
      additionalProperties: false,
      properties: { region, agent: agentId },
    },
    response: { status: 200, description: 'the assignments', schema: { type: 'object' } },
    async handler({ query, reply }, { view }) {
      const hub = hubOf(view);
      let answer;
      try {
        answer = hub.assignments(query.region as string, (query.agent as string | undefined) ?? null);
      } catch (err) {
        refused(err);
      }
      reply.header('ETag', answer.etag).header('Cache-Control', 'no-cache');
      const given = reply.request.headers['if-none-match'];
      if (given !== undefined && given.split(/\s*,\s*/).includes(answer.etag)) {
        reply.code(304).send();
        return undefined;
      }
      return answer.body;
    },
  },
  {
    method: 'POST',
    path: '/agent/results',
    access: 'agent',
    tag: 'agents',
    summary: 'Push a batch of probe results, oldest first; a batch sent again is taken once',
    body: {
      type: 'object',
      required: ['region', 'agentId', 'results'],
      additionalProperties: false,
      properties: {
        region,
        agentId,
        dropped: { type: 'integer', minimum: 0 },
        results: {
          type: 'array',
          maxItems: MAX_PUSH_RESULTS,
          items: {
            type: 'object',
            required: ['seq', 'server', 'at', 'result'],
            additionalProperties: false,
            properties: {
              seq: { type: 'integer', minimum: 1 },
              server: { type: 'string', maxLength: 63 },
              at: { type: 'integer', minimum: 0 },
              result: { type: 'object' },
            },
          },
        },
      },
    },
    response: {
      status: 200,
      description: 'what was taken: accepted, duplicates, unassigned, invalid, lastSeq',
      schema: { type: 'object' },
    },
    async handler({ body }, { view }) {
      try {
        return await hubOf(view).push(body as PushBody);
      } catch (err) {
        refused(err);
      }
    },
  },
  {
    method: 'GET',
    path: '/servers/:name/regions',
    access: 'read',
    tag: 'agents',
    summary:
      'A server region by region: the last result, probes, error rate and p50/p95 of the last hour, the agent online',
    params: serverParams,
    response: { status: 200, description: 'the regions', schema: { type: 'object' } },
    problems: [404],
    async handler({ params }, { view }) {
      const server = requireServer(view, params.name!);
      return {
        server: server.name,
        hubRegion: hubRegionOf(view),
        regions: await viewRegionRows(view, server),
      };
    },
  },
  {
    method: 'GET',
    path: '/agents',
    access: 'read',
    tag: 'agents',
    summary: 'The regions served by agents: last heard from, online, results received and dropped',
    response: { status: 200, description: 'the agents', schema: { type: 'object' } },
    async handler(_call, { view }) {
      const hub = hubOf(view);
      return { hubRegion: hub.hubRegion, agents: hub.agents() };
    },
  },
];
