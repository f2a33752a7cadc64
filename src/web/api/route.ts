/**
 * One API route as data: method, path, access, schemas and handler. The same table registers the
 * fastify routes and writes the OpenAPI document (openapi.ts), so the two cannot drift apart.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { authenticateBearer, type Access } from '../auth/guard.js';
import type { TokenRecord, TokenStore } from '../auth/tokens.js';
import { ProblemError } from '../http/problem.js';
import type { FailedAuth } from '../auth/failed-auth.js';
import type { JsonSchema } from './schemas.js';

export const API_PREFIX = '/api/v1';

export interface ApiContext {
  view: MonitorView;
  tokens: TokenStore;
  /** Base URL of the public pages (config.server.publicUrl), without a trailing slash. */
  publicUrl: string;
}

export interface ApiCall {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The caller's token (null only on public routes). */
  token: TokenRecord | null;
  reply: FastifyReply;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /api/v1, fastify syntax (`/servers/:name`). */
  path: string;
  access: Access;
  tag: string;
  summary: string;
  description?: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The success answer: status, and the schema of its JSON body (none for 204). */
  response: { status: 200 | 201 | 202 | 204; description: string; schema?: JsonSchema };
  /** Problem statuses this route can answer besides 400/401/403 (e.g. 404, 409). */
  problems?: number[];
  handler(call: ApiCall, ctx: ApiContext): Promise<unknown>;
}

function hasBody(headers: Record<string, unknown>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

export function registerApi(
  app: FastifyInstance,
  routes: readonly ApiRoute[],
  ctx: ApiContext,
  failures: FailedAuth,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: API_PREFIX + route.path,
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      // Authenticate before the body is validated, so an anonymous caller learns nothing from 400s.
      onRequest: async (req) => {
        req.principal = null;
        if (route.access !== 'public') await authenticateBearer(req, ctx.tokens, failures, route.access);
        const type = req.headers['content-type'];
        if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type) && hasBody(req.headers)) {
          throw new ProblemError(
            'unsupported-media-type',
            'send JSON bodies with "Content-Type: application/json"',
          );
        }
      },
      // A route with a body schema and no body sees `{}` (POST /acknowledge needs nothing).
      preValidation: async (req) => {
        if (route.body && req.body === undefined) req.body = {};
      },
      handler: async (req, reply) => {
        const result = await route.handler(
          {
            params: (req.params ?? {}) as Record<string, string>,
            query: (req.query ?? {}) as Record<string, unknown>,
            body: req.body,
            token: req.principal,
            reply,
          },
          ctx,
        );
        if (reply.sent) return reply;
        if (route.response.status === 204 || result === undefined) return reply.code(204).send();
        return reply
          .code(route.response.status)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(result));
      },
    });
  }
}
