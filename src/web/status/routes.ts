/**
 * Public routes: /status/SLUG (HTML), its Statuspage JSON and Atom feed, and /badge/SERVER/*.svg.
 * Only servers listed on some status page are public: badges of other servers are 404.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { StatusPageConfig } from '../../config/types.js';
import { ProblemError, notFound } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { parseWindow, windowStats } from '../stats.js';
import { latencyBadge, statusBadge, uptimeBadge } from './badges.js';
import { atomFeed } from './feed.js';
import { DailyBarCache } from './bar-cache.js';
import {
  buildStatusModel,
  componentStatus,
  coversServer,
  isPublicServer,
  type StatusModel,
} from './model.js';
import { statusPageHtml } from './page.js';
import { buildDirectoryModel, directoryHtml } from './directory.js';
import { HTML_PAGE, pathParams, sendHtml } from '../html/route.js';
import {
  componentsJson,
  incidentsJson,
  maintenancesJson,
  statusJson,
  summaryJson,
} from './statuspage-json.js';

const SLUG = pathParams({ slug: { type: 'string', maxLength: 100 } });
const SERVER = pathParams({ server: { type: 'string', maxLength: 100 } });
const WINDOW_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { window: { type: 'string', maxLength: 10 } },
};

const PUBLIC_CACHE = 'public, max-age=30';
/** A source page's search and page number (other query keys are ignored, as before). */
const PAGE_QUERY = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200 },
    page: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
};

function pageOf(view: MonitorView, slug: string): StatusPageConfig {
  const page = view.config().statusPages.find((p) => p.slug === slug);
  if (!page) throw notFound(`status page "${slug}"`);
  return page;
}

function publicServer(view: MonitorView, server: string): string {
  if (!isPublicServer(view, server) || !view.servers().some((s) => s.name === server)) {
    throw notFound(`public server "${server}"`);
  }
  return server;
}

function json(reply: FastifyReply, body: unknown): FastifyReply {
  return reply
    .header('Cache-Control', PUBLIC_CACHE)
    .header('Access-Control-Allow-Origin', '*')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

function svg(reply: FastifyReply, body: string): FastifyReply {
  return reply.header('Cache-Control', 'public, max-age=60').type('image/svg+xml; charset=utf-8').send(body);
}

function windowOf(text: unknown, fallback: string): { name: string; ms: number } {
  const spec = parseWindow(typeof text === 'string' ? text : fallback);
  if (!spec)
    throw new ProblemError(
      'validation',
      'querystring/window must be a duration between 1m and 400d, e.g. 30d',
    );
  return spec;
}

export function registerStatusRoutes(app: FastifyInstance, view: MonitorView): void {
  const cache = new DailyBarCache(view.store);
  const documents: Record<string, (m: StatusModel) => unknown> = {
    'summary.json': summaryJson,
    'status.json': statusJson,
    'components.json': componentsJson,
    'incidents.json': incidentsJson,
    'scheduled-maintenances.json': maintenancesJson,
  };
  const needsBars = new Set([
    'summary.json',
    'components.json',
    'incidents.json',
    'scheduled-maintenances.json',
  ]);

  app.get(
    '/status/:slug',
    { schema: { params: SLUG, querystring: PAGE_QUERY }, config: HTML_PAGE },
    async (req, reply) => {
      const page = pageOf(view, (req.params as { slug: string }).slug);
      if (page.source) {
        const m = await buildDirectoryModel(view, page, req.query as { q?: string; page?: number }, cache);
        return sendHtml(reply.header('Cache-Control', 'no-cache'), directoryHtml(m).text);
      }
      const model = await buildStatusModel(view, page, { cache, regions: true });
      return sendHtml(reply.header('Cache-Control', 'no-cache'), statusPageHtml(model).text);
    },
  );

  for (const [file, build] of Object.entries(documents)) {
    app.get(`/status/:slug/api/v2/${file}`, { schema: { params: SLUG } }, async (req, reply) => {
      const page = pageOf(view, (req.params as { slug: string }).slug);
      // Component created_at comes from the bars; status.json needs none of that.
      return json(reply, build(await buildStatusModel(view, page, { bars: needsBars.has(file), cache })));
    });
  }

  app.get('/status/:slug/feed.atom', { schema: { params: SLUG } }, async (req, reply) => {
    const page = pageOf(view, (req.params as { slug: string }).slug);
    const model = await buildStatusModel(view, page, { bars: false });
    return reply
      .header('Cache-Control', PUBLIC_CACHE)
      .type('application/atom+xml; charset=utf-8')
      .send(atomFeed(model));
  });

  app.get('/badge/:server/status.svg', { schema: { params: SERVER } }, async (req, reply) => {
    const server = publicServer(view, (req.params as { server: string }).server);
    const [open] = await view.store.listIncidents({ server, open: true, limit: 1 });
    const now = view.now();
    const inMaintenance = view
      .maintenance()
      .some((w) => coversServer(w, server) && w.start <= now && now < w.end);
    const summary = (await view.summary(server)) ?? undefined;
    const status =
      !summary && !open && !inMaintenance ? 'unknown' : componentStatus(summary, open ?? null, inMaintenance);
    return svg(
      reply,
      statusBadge(server, summary?.state === 'unknown' && status === 'operational' ? 'unknown' : status),
    );
  });

  app.get(
    '/badge/:server/uptime.svg',
    { schema: { params: SERVER, querystring: WINDOW_QUERY } },
    async (req, reply) => {
      const server = publicServer(view, (req.params as { server: string }).server);
      const spec = windowOf((req.query as { window?: string }).window, '30d');
      const [stats] = await windowStats(view.store, server, [spec], view.now());
      return svg(
        reply,
        uptimeBadge(spec.name, stats?.errorRate === null || !stats ? null : 1 - stats.errorRate),
      );
    },
  );

  app.get(
    '/badge/:server/p95.svg',
    { schema: { params: SERVER, querystring: WINDOW_QUERY } },
    async (req, reply) => {
      const server = publicServer(view, (req.params as { server: string }).server);
      const spec = windowOf((req.query as { window?: string }).window, '24h');
      const [stats] = await windowStats(view.store, server, [spec], view.now());
      return svg(reply, latencyBadge(spec.name, stats?.latencyMs.total.p95 ?? null));
    },
  );
}
