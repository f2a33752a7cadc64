/** /api/v1/servers/:name/surfaces: the tool surfaces a server has shown, and the diff between any two. */
import type { ToolSurface } from '../../store/store.js';
import { diffSurfaces } from '../drift.js';
import { ProblemError, notFound } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { listOf, ref, serverParams } from './schemas.js';

async function surfaceOf(view: MonitorView, server: string, id: number): Promise<ToolSurface> {
  const surface = await view.store.getToolSurface(id);
  if (!surface || surface.server !== server) throw notFound(`tool surface ${id} of server "${server}"`);
  return surface;
}

export const surfaceRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/servers/:name/surfaces',
    access: 'read',
    tag: 'tools',
    summary: 'Tool surfaces seen, newest first (a new one each time the fingerprint changed)',
    params: serverParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
    },
    response: { status: 200, description: 'surfaces without their tools', schema: listOf('ToolSurface') },
    problems: [404],
    async handler({ params, query }, { view }) {
      const server = requireServer(view, params.name!);
      return { items: await view.store.listToolSurfaces(server.name, Number(query.limit ?? 100)) };
    },
  },
  {
    method: 'GET',
    path: '/servers/:name/surfaces/diff',
    access: 'read',
    tag: 'tools',
    summary: 'Structural diff between two surfaces (default: the latest against the one before)',
    params: serverParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
    },
    response: { status: 200, description: 'tools added, removed and changed', schema: ref('SurfaceDiff') },
    problems: [404, 409],
    async handler({ params, query }, { view }) {
      const server = requireServer(view, params.name!);
      let from = typeof query.from === 'number' ? query.from : null;
      let to = typeof query.to === 'number' ? query.to : null;
      if (from === null || to === null) {
        const recent = await view.store.listToolSurfaces(server.name, 2);
        to ??= recent[0]?.id ?? null;
        from ??= recent.find((s) => s.id !== to)?.id ?? null;
      }
      if (from === null || to === null) {
        throw new ProblemError(
          'conflict',
          `server "${server.name}" has fewer than two tool surfaces to compare`,
        );
      }
      return diffSurfaces(await surfaceOf(view, server.name, from), await surfaceOf(view, server.name, to));
    },
  },
  {
    method: 'GET',
    path: '/servers/:name/surfaces/:id',
    access: 'read',
    tag: 'tools',
    summary: 'One surface with its tool definitions',
    params: {
      type: 'object',
      required: ['name', 'id'],
      properties: {
        name: (serverParams.properties as Record<string, unknown>).name,
        id: { type: 'integer', minimum: 1 },
      },
    },
    response: { status: 200, description: 'the surface', schema: ref('ToolSurface') },
    problems: [404],
    async handler({ params }, { view }) {
      const server = requireServer(view, params.name!);
      return surfaceOf(view, server.name, Number(params.id));
    },
  },
];
