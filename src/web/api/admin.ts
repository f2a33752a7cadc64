/** /api/v1/me, /channels and /tokens: who am I, alert channel health, token management. */
import { ProblemError, notFound } from '../http/problem.js';
import { tokenInfo, type Scope } from '../auth/tokens.js';
import type { ApiRoute } from './route.js';
import { listOf, ref } from './schemas.js';

export const adminRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/me',
    access: 'read',
    tag: 'tokens',
    summary: 'The token making this call (never its secret)',
    response: { status: 200, description: 'the token', schema: ref('Token') },
    async handler({ token }) {
      if (!token) throw new ProblemError('unauthorized', 'no token');
      return tokenInfo(token);
    },
  },
  {
    method: 'GET',
    path: '/channels',
    access: 'read',
    tag: 'alerts',
    summary: 'Health of each alert channel (last success, last failure, pending messages)',
    response: { status: 200, description: 'channels', schema: listOf('ChannelHealth') },
    async handler(_call, { view }) {
      return { items: view.channelHealth() };
    },
  },
  {
    method: 'GET',
    path: '/tokens',
    access: 'admin',
    tag: 'tokens',
    summary: 'API tokens (names, scopes and ids; secrets are never shown again)',
    response: { status: 200, description: 'tokens', schema: listOf('Token') },
    async handler(_call, { tokens }) {
      return { items: (await tokens.list()).map(tokenInfo) };
    },
  },
  {
    method: 'POST',
    path: '/tokens',
    access: 'admin',
    tag: 'tokens',
    summary: 'Create a token; its secret is in this answer only, never again',
    body: {
      type: 'object',
      required: ['name', 'scope'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9 ._-]{1,64}$' },
        scope: { type: 'string', enum: ['read', 'admin', 'ingest', 'agent'] },
      },
    },
    response: {
      status: 201,
      description: 'the new token and its secret (store it now)',
      schema: {
        allOf: [
          ref('Token'),
          { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
        ],
      },
    },
    async handler({ body, reply }, { tokens }) {
      const b = body as { name: string; scope: Scope };
      const { token, info } = await tokens.create(b.name, b.scope);
      reply.header('Cache-Control', 'no-store');
      return { ...info, token };
    },
  },
  {
    method: 'DELETE',
    path: '/tokens/:id',
    access: 'admin',
    tag: 'tokens',
    summary: 'Revoke a token (its dashboard sessions end too)',
    params: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } },
    },
    response: { status: 204, description: 'revoked' },
    problems: [404],
    async handler({ params }, { tokens }) {
      if (!(await tokens.revoke(params.id!))) throw notFound(`token "${params.id!}"`);
      return undefined;
    },
  },
];
