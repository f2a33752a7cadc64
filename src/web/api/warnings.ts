/** /api/v1/warnings: P3 findings (shown and digested, never paged). */
import { flag, requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { listOf, NAME_PATTERN } from './schemas.js';

export const warningRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/warnings',
    access: 'read',
    tag: 'warnings',
    summary: 'Warnings, newest first',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        server: { type: 'string', pattern: NAME_PATTERN },
        active: { type: 'boolean', description: 'true: not cleared; false: cleared' },
        limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      },
    },
    response: { status: 200, description: 'warnings', schema: listOf('Warning') },
    problems: [404],
    async handler({ query }, { view }) {
      const server = typeof query.server === 'string' ? requireServer(view, query.server).name : undefined;
      const active = flag(query.active);
      return {
        items: await view.store.listWarnings({
          ...(server ? { server } : {}),
          ...(active !== undefined ? { active } : {}),
          limit: Number(query.limit ?? 100),
        }),
      };
    },
  },
];
