/** /api/v1/servers: list, show, add, change, remove, pause/resume, probe now. */
import type { RawServer } from '../../config/raw.js';
import { LIKELY_FIX } from '../../probe/explain.js';
import { notFound } from '../http/problem.js';
import { publicProbeResult, publicServerConfig } from '../../monitor/redact.js';
import { actor, changed, requireServer } from './common.js';
import { refuseBlockedUrl } from './public-url.js';
import type { ApiRoute } from './route.js';
import { listOf, rawServerBody, ref, serverParams, serverPatchBody } from './schemas.js';

export const serverRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/servers',
    access: 'read',
    tag: 'servers',
    summary: 'Every server with its current judgement',
    response: { status: 200, description: 'servers in config order', schema: listOf('Server') },
    async handler(_call, { view }) {
      const summaries = new Map((await view.summaries()).map((s) => [s.server, s]));
      return {
        items: view
          .servers()
          .map((s) => ({ ...publicServerConfig(s), summary: summaries.get(s.name) ?? null })),
      };
    },
  },
  {
    method: 'POST',
    path: '/servers',
    access: 'admin',
    tag: 'servers',
    summary: 'Add a server (the YAML shape of a `servers` entry)',
    body: rawServerBody,
    response: { status: 201, description: 'the server as configured', schema: ref('Server') },
    problems: [409],
    async handler({ body }, { view }) {
      const raw = body as RawServer;
      await refuseBlockedUrl(view.config().server.public, raw.url);
      return changed(await view.addServer(raw), raw.name);
    },
  },
  {
    method: 'GET',
    path: '/servers/:name',
    access: 'read',
    tag: 'servers',
    summary: 'One server with its current judgement',
    params: serverParams,
    response: { status: 200, description: 'the server', schema: ref('Server') },
    problems: [404],
    async handler({ params }, { view }) {
      const server = requireServer(view, params.name!);
      return { ...publicServerConfig(server), summary: await view.summary(server.name) };
    },
  },
  {
    method: 'PATCH',
    path: '/servers/:name',
    access: 'admin',
    tag: 'servers',
    summary: 'Change a server (fields merged into its entry; the name cannot change)',
    params: serverParams,
    body: serverPatchBody,
    response: { status: 200, description: 'the server as configured now', schema: ref('Server') },
    problems: [404],
    async handler({ params, body }, { view }) {
      const patch = body as Partial<RawServer>;
      await refuseBlockedUrl(view.config().server.public, patch.url);
      return changed(await view.updateServer(params.name!, patch), params.name!);
    },
  },
  {
    method: 'DELETE',
    path: '/servers/:name',
    access: 'admin',
    tag: 'servers',
    summary:
      'Stop monitoring a server: its open incidents are resolved (and the resolve sent); its history is kept until retention removes it',
    params: serverParams,
    response: { status: 204, description: 'removed' },
    problems: [404],
    async handler({ params, token }, { view }) {
      if (!(await view.removeServer(params.name!, actor(token)))) throw notFound(`server "${params.name!}"`);
      return undefined;
    },
  },
  {
    method: 'POST',
    path: '/servers/:name/pause',
    access: 'admin',
    tag: 'servers',
    summary: 'Pause probing',
    params: serverParams,
    response: { status: 200, description: 'the server, paused', schema: ref('Server') },
    problems: [404],
    async handler({ params }, { view }) {
      return changed(await view.pauseServer(params.name!, true), params.name!);
    },
  },
  {
    method: 'POST',
    path: '/servers/:name/resume',
    access: 'admin',
    tag: 'servers',
    summary: 'Resume probing',
    params: serverParams,
    response: { status: 200, description: 'the server, probing again', schema: ref('Server') },
    problems: [404],
    async handler({ params }, { view }) {
      return changed(await view.pauseServer(params.name!, false), params.name!);
    },
  },
  {
    method: 'POST',
    path: '/servers/:name/probe',
    access: 'admin',
    tag: 'servers',
    summary: 'Probe now, outside the schedule (stored and judged like any probe)',
    params: serverParams,
    response: {
      status: 200,
      description: 'the probe result and, when it failed, plain words about the failure',
      schema: {
        type: 'object',
        properties: { result: ref('ProbeResult'), explanation: { type: ['string', 'null'] } },
      },
    },
    problems: [404],
    async handler({ params }, { view }) {
      const server = requireServer(view, params.name!);
      const result = await view.probeNow(server.name);
      if (!result) throw notFound(`server "${server.name}"`);
      const code = result.failure?.code;
      return { result: publicProbeResult(result, server), explanation: code ? LIKELY_FIX[code] : null };
    },
  },
];
