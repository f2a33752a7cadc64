/** /api/v1/results: probe results with filters, newest first, keyset-paged by an opaque cursor. */
import { LIKELY_FIX } from '../../probe/explain.js';
import { publicProbeResult } from '../../monitor/redact.js';
import { decodeCursor, encodeCursor, flag, requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { listOf, NAME_PATTERN } from './schemas.js';

export const MAX_PAGE = 500;

export const resultRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/results',
    access: 'read',
    tag: 'results',
    summary: 'Probe results, newest first',
    description:
      'Filters combine. Pass the `next` cursor of a page as `cursor` to read the following (older) page; ' +
      'a null `next` means this was the last page.',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        server: { type: 'string', pattern: NAME_PATTERN },
        region: { type: 'string', maxLength: 100 },
        failed: { type: 'boolean', description: 'only failed probes' },
        since: { type: 'integer', minimum: 0, description: 'ms since epoch, inclusive' },
        until: { type: 'integer', minimum: 0, description: 'ms since epoch, exclusive' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
        cursor: { type: 'string', maxLength: 40 },
      },
    },
    response: { status: 200, description: 'one page of results', schema: listOf('StoredResult', true) },
    problems: [404],
    async handler({ query }, { view }) {
      const server = typeof query.server === 'string' ? requireServer(view, query.server) : undefined;
      const limit = Number(query.limit ?? 100);
      const rows = await view.store.listResults({
        ...(server ? { server: server.name } : {}),
        ...(typeof query.region === 'string' ? { region: query.region } : {}),
        ...(flag(query.failed) ? { onlyFailed: true } : {}),
        ...(typeof query.since === 'number' ? { since: query.since } : {}),
        ...(typeof query.until === 'number' ? { until: query.until } : {}),
        ...(typeof query.cursor === 'string' ? { before: decodeCursor(query.cursor) } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const configs = new Map(view.servers().map((s) => [s.name, s]));
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          server: r.server,
          region: r.region,
          at: r.at,
          ok: r.ok,
          explanation: r.result.failure ? LIKELY_FIX[r.result.failure.code] : null,
          result: publicProbeResult(r.result, configs.get(r.server)),
        })),
        next: rows.length > limit && last?.id !== undefined ? encodeCursor(last.id) : null,
      };
    },
  },
];
