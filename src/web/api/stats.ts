/** /api/v1/servers/:name/stats and /series: error rates per layer and latency percentiles over chosen windows. */
import { ProblemError } from '../http/problem.js';
import { parseWindow, series, windowStats, type WindowSpec } from '../stats.js';
import { requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { ref, serverParams } from './schemas.js';

const DEFAULT_WINDOWS = '5m,15m,1h,24h,7d,30d';

function windowsOf(text: string): WindowSpec[] {
  const names = text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (names.length === 0 || names.length > 12) {
    throw new ProblemError('validation', 'querystring/windows must list 1 to 12 windows, e.g. 5m,1h,7d');
  }
  return names.map((name) => {
    const spec = parseWindow(name);
    if (!spec)
      throw new ProblemError(
        'validation',
        `querystring/windows: "${name}" is not a window between 1m and 400d`,
      );
    return spec;
  });
}

export const statsRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/servers/:name/stats',
    access: 'read',
    tag: 'stats',
    summary: 'Error rate (total and per layer) and latency p50/p95/p99 (total and per layer) per window',
    params: serverParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        windows: {
          type: 'string',
          maxLength: 200,
          default: DEFAULT_WINDOWS,
          description: 'comma-separated durations',
        },
        region: { type: 'string', maxLength: 100 },
      },
    },
    response: {
      status: 200,
      description: 'one entry per window, in the order asked',
      schema: {
        type: 'object',
        properties: { server: { type: 'string' }, windows: { type: 'array', items: ref('WindowStats') } },
      },
    },
    problems: [404],
    async handler({ params, query }, { view }) {
      const server = requireServer(view, params.name!);
      const specs = windowsOf(String(query.windows ?? DEFAULT_WINDOWS));
      const region = typeof query.region === 'string' ? query.region : undefined;
      return {
        server: server.name,
        windows: await windowStats(view.store, server.name, specs, view.now(), region),
      };
    },
  },
  {
    method: 'GET',
    path: '/servers/:name/series',
    access: 'read',
    tag: 'stats',
    summary: 'Time series for charts: per-step error rates per layer and latency p50/p95',
    params: serverParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        window: { type: 'string', maxLength: 20, default: '24h' },
        points: { type: 'integer', minimum: 2, maximum: 500, default: 120 },
        region: { type: 'string', maxLength: 100 },
      },
    },
    response: { status: 200, description: 'evenly spaced steps, oldest first', schema: ref('Series') },
    problems: [404],
    async handler({ params, query }, { view }) {
      const server = requireServer(view, params.name!);
      const [spec] = windowsOf(String(query.window ?? '24h'));
      const region = typeof query.region === 'string' ? query.region : undefined;
      return series(view.store, server.name, spec!, view.now(), Number(query.points ?? 120), region);
    },
  },
];
