/** /api/v1/incidents: list, show with timeline, post an update, acknowledge, resolve. */
import { INCIDENT_STATUSES, type IncidentStatus } from '../../engine/types.js';
import { ProblemError, notFound } from '../http/problem.js';
import type { Incident } from '../../engine/types.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { publicIncident } from '../../monitor/redact.js';
import { actor, flag, requireIncident, requireServer } from './common.js';
import type { ApiRoute } from './route.js';
import { idParams, listOf, NAME_PATTERN, noBody, ref } from './schemas.js';

const MESSAGE = { type: 'string', minLength: 1, maxLength: 5_000 };

/** Timeline messages may quote probe messages: keep header values and raw URLs out. */
function shown(view: MonitorView, i: Incident): Incident {
  return publicIncident(
    i,
    view.servers().find((s) => s.name === i.server),
  );
}

function stillOpen(status: IncidentStatus, id: string, action: string): void {
  if (status === 'resolved')
    throw new ProblemError('conflict', `incident "${id}" is resolved: it cannot be ${action}`);
}

export const incidentRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/incidents',
    access: 'read',
    tag: 'incidents',
    summary: 'Incidents, newest first',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        server: { type: 'string', pattern: NAME_PATTERN },
        open: { type: 'boolean', description: 'true: only open ones; false: only resolved ones' },
        limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      },
    },
    response: { status: 200, description: 'incidents with their timelines', schema: listOf('Incident') },
    problems: [404],
    async handler({ query }, { view }) {
      const server = typeof query.server === 'string' ? requireServer(view, query.server).name : undefined;
      const open = flag(query.open);
      const items = await view.store.listIncidents({
        ...(server ? { server } : {}),
        ...(open !== undefined ? { open } : {}),
        limit: Number(query.limit ?? 100),
      });
      return { items: items.map((i) => shown(view, i)) };
    },
  },
  {
    method: 'GET',
    path: '/incidents/:id',
    access: 'read',
    tag: 'incidents',
    summary: 'One incident with its timeline',
    params: idParams,
    response: { status: 200, description: 'the incident', schema: ref('Incident') },
    problems: [404],
    async handler({ params }, { view }) {
      return shown(view, await requireIncident(view, params.id!));
    },
  },
  {
    method: 'POST',
    path: '/incidents/:id/updates',
    access: 'admin',
    tag: 'incidents',
    summary: 'Post an update (status investigating → identified → monitoring → resolved, and a message)',
    params: idParams,
    body: {
      type: 'object',
      required: ['status', 'message'],
      additionalProperties: false,
      properties: {
        status: { type: 'string', enum: [...INCIDENT_STATUSES] },
        message: MESSAGE,
      },
    },
    response: {
      status: 200,
      description: 'the incident with the update in its timeline',
      schema: ref('Incident'),
    },
    problems: [404, 409],
    async handler({ params, body, token }, { view }) {
      const { status, message } = body as { status: IncidentStatus; message: string };
      stillOpen((await requireIncident(view, params.id!)).status, params.id!, 'updated');
      const by = actor(token);
      const incident =
        status === 'resolved'
          ? await view.resolve(params.id!, by, message)
          : await view.postUpdate(params.id!, status, message, by);
      if (!incident) throw notFound(`incident "${params.id!}"`);
      return shown(view, incident);
    },
  },
  {
    method: 'POST',
    path: '/incidents/:id/acknowledge',
    access: 'admin',
    tag: 'incidents',
    summary: 'Acknowledge (stops escalation); acknowledging twice keeps the first acknowledgement',
    params: idParams,
    body: noBody,
    response: { status: 200, description: 'the acknowledged incident', schema: ref('Incident') },
    problems: [404, 409],
    async handler({ params, token }, { view }) {
      stillOpen((await requireIncident(view, params.id!)).status, params.id!, 'acknowledged');
      const incident = await view.acknowledge(params.id!, actor(token));
      if (!incident) throw notFound(`incident "${params.id!}"`);
      return shown(view, incident);
    },
  },
  {
    method: 'POST',
    path: '/incidents/:id/resolve',
    access: 'admin',
    tag: 'incidents',
    summary: 'Resolve by hand, with an optional closing message',
    params: idParams,
    body: { type: 'object', additionalProperties: false, properties: { message: MESSAGE } },
    response: { status: 200, description: 'the resolved incident', schema: ref('Incident') },
    problems: [404, 409],
    async handler({ params, body, token }, { view }) {
      stillOpen((await requireIncident(view, params.id!)).status, params.id!, 'resolved again');
      const message = (body as { message?: string } | undefined)?.message;
      const incident = await view.resolve(params.id!, actor(token), message);
      if (!incident) throw notFound(`incident "${params.id!}"`);
      return shown(view, incident);
    },
  },
];
