/** /api/v1/slo: SLO budget, consumption, burn rates and projected exhaustion per server. */
import { notFound } from '../http/problem.js';
import { requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { ref, serverParams } from './schemas.js';

const sloEntry = {
  type: 'object',
  required: ['server', 'slo'],
  properties: { server: { type: 'string' }, slo: ref('Slo') },
};

export const sloRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/slo',
    access: 'read',
    tag: 'slo',
    summary: 'The SLO of every server',
    response: {
      status: 200,
      description: 'one entry per server',
      schema: { type: 'object', properties: { items: { type: 'array', items: sloEntry } } },
    },
    async handler(_call, { view }) {
      return { items: (await view.summaries()).map((s) => ({ server: s.server, slo: s.slo })) };
    },
  },
  {
    method: 'GET',
    path: '/servers/:name/slo',
    access: 'read',
    tag: 'slo',
    summary: "One server's SLO",
    params: serverParams,
    response: { status: 200, description: 'the SLO', schema: sloEntry },
    problems: [404],
    async handler({ params }, { view }) {
      const server = requireServer(view, params.name!);
      const summary = await view.summary(server.name);
      if (!summary) throw notFound(`server "${server.name}"`);
      return { server: server.name, slo: summary.slo };
    },
  },
];
