/** /api/v1/status-pages: the configured status pages and what each shows right now. */
import { notFound } from '../http/problem.js';
import { buildStatusModel } from '../status/model.js';
import { componentsJson } from '../status/statuspage-json.js';
import type { ApiRoute } from './route.js';
import { listOf, ref } from './schemas.js';

export const statusPageRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/status-pages',
    access: 'read',
    tag: 'status pages',
    summary: 'The configured status pages',
    response: { status: 200, description: 'pages', schema: listOf('StatusPage') },
    async handler(_call, { view, publicUrl }) {
      return {
        items: view.config().statusPages.map((p) => ({
          slug: p.slug,
          title: p.title,
          description: p.description,
          servers: p.servers,
          url: `${publicUrl}/status/${encodeURIComponent(p.slug)}`,
        })),
      };
    },
  },
  {
    method: 'GET',
    path: '/status-pages/:slug',
    access: 'read',
    tag: 'status pages',
    summary: 'One status page with its overall status and components (Statuspage shapes)',
    params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 100 } } },
    response: { status: 200, description: 'the page', schema: ref('StatusPage') },
    problems: [404],
    async handler({ params }, { view }) {
      const page = view.config().statusPages.find((p) => p.slug === params.slug);
      if (!page) throw notFound(`status page "${params.slug!}"`);
      const model = await buildStatusModel(view, page);
      return {
        slug: page.slug,
        title: page.title,
        description: page.description,
        servers: page.servers,
        url: model.url,
        status: { indicator: model.indicator, description: model.description },
        components: componentsJson(model).components.map((c) => ({
          ...c,
          uptime90d: model.components.find((m) => m.server === c.id)?.uptime ?? null,
        })),
      };
    },
  },
];
