/** /api/v1/maintenance: windows that suppress alerts, show `under_maintenance`, and may leave the SLO. */
import type { MaintenanceWindow } from '../../engine/types.js';
import { ProblemError, notFound } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import type { ApiRoute } from './route.js';
import { idParams, listOf, NAME_PATTERN, ref } from './schemas.js';

const MAX_SPAN_MS = 31 * 86_400_000;

function withSource(
  view: MonitorView,
  w: MaintenanceWindow,
): MaintenanceWindow & { source: 'config' | 'api' } {
  const fromConfig = view.config().maintenance.some((c) => c.id !== undefined && c.id === w.id);
  return { ...w, source: fromConfig ? 'config' : 'api' };
}

export const maintenanceRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/maintenance',
    access: 'read',
    tag: 'maintenance',
    summary: 'Maintenance windows (from the config and the API), by start',
    response: { status: 200, description: 'windows', schema: listOf('MaintenanceWindow') },
    async handler(_call, { view }) {
      return {
        items: view
          .maintenance()
          .map((w) => withSource(view, w))
          .sort((a, b) => a.start - b.start),
      };
    },
  },
  {
    method: 'POST',
    path: '/maintenance',
    access: 'admin',
    tag: 'maintenance',
    summary: 'Schedule a maintenance window',
    body: {
      type: 'object',
      required: ['servers', 'start', 'end'],
      additionalProperties: false,
      properties: {
        servers: {
          anyOf: [
            { type: 'string', enum: ['all'] },
            { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', pattern: NAME_PATTERN } },
          ],
        },
        start: { type: 'string', format: 'date-time' },
        end: { type: 'string', format: 'date-time' },
        title: { type: 'string', minLength: 1, maxLength: 200 },
        excludeFromSlo: { type: 'boolean', default: true },
      },
    },
    response: { status: 201, description: 'the window as stored', schema: ref('MaintenanceWindow') },
    async handler({ body }, { view }) {
      const b = body as {
        servers: 'all' | string[];
        start: string;
        end: string;
        title?: string;
        excludeFromSlo?: boolean;
      };
      const start = Date.parse(b.start);
      const end = Date.parse(b.end);
      if (!(end > start)) throw new ProblemError('validation', 'body/end must be after body/start');
      if (end - start > MAX_SPAN_MS)
        throw new ProblemError('validation', 'a maintenance window may last at most 31 days');
      if (b.servers !== 'all') {
        const known = new Set(view.servers().map((s) => s.name));
        const unknown = b.servers.filter((s) => !known.has(s));
        if (unknown.length)
          throw new ProblemError(
            'validation',
            `body/servers: unknown server ${unknown.map((s) => `"${s}"`).join(', ')}`,
          );
      }
      const stored = await view.addMaintenance({
        servers: b.servers,
        start,
        end,
        ...(b.title !== undefined ? { title: b.title } : {}),
        excludeFromSlo: b.excludeFromSlo ?? true,
      });
      return withSource(view, stored);
    },
  },
  {
    method: 'DELETE',
    path: '/maintenance/:id',
    access: 'admin',
    tag: 'maintenance',
    summary: 'Cancel a window added through the API (config windows are changed in the file)',
    params: idParams,
    response: { status: 204, description: 'cancelled' },
    problems: [404, 409],
    async handler({ params }, { view }) {
      const id = params.id!;
      if (view.config().maintenance.some((w) => w.id === id)) {
        throw new ProblemError(
          'conflict',
          `maintenance window "${id}" comes from the config file: change it there`,
        );
      }
      if (!(await view.removeMaintenance(id))) throw notFound(`maintenance window "${id}"`);
      return undefined;
    },
  },
];
