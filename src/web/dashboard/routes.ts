/** Dashboard routes: pages (GET, session or redirect to login) and form actions (POST, admin + CSRF). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../auth/sessions.js';
import { UPDATE_STATUSES, type IncidentStatus } from '../../engine/types.js';
import { actorOf } from '../auth/guard.js';
import type { FormBody } from '../http/form.js';
import { notFound } from '../http/problem.js';
import {
  editPostmortem,
  POSTMORTEM_FIELD_MAX,
  POSTMORTEM_FIELDS,
  type PostmortemEdit,
} from '../postmortem.js';
import { ProblemError } from '../http/problem.js';
import { requireIncident } from '../api/common.js';
import { NAME_PATTERN } from '../api/schemas.js';
import { storeHealth, withStoreBanner } from '../store-health.js';
import { HTML_PAGE, pathParams, sendHtml } from '../html/route.js';
import { registerAckLink } from './ack-link.js';
import { actionSession, pageSession, type DashboardDeps } from './context.js';
import { incidentPage, incidentsPage } from './incident-page.js';
import { registerLogin } from './login.js';
import { overviewPage, STATES, type OverviewFilter } from './overview.js';
import { postmortemPage } from './postmortem-page.js';
import { serverPage, type ServerPageQuery } from './server-page.js';

const ID = pathParams({ id: { type: 'string', maxLength: 200 } });
const NAME = pathParams({ name: { type: 'string', pattern: NAME_PATTERN } });
const MESSAGE = { type: 'string', maxLength: 5000 };

const back = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const { view } = deps;
  /** A page, with the storage banner on top while the store fails. */
  const sendPage = async (reply: FastifyReply, text: string) =>
    sendHtml(reply, withStoreBanner(text, await storeHealth(view.store)));
  registerLogin(app, deps);
  registerAckLink(app, view);

  app.get('/', { config: HTML_PAGE }, async (req, reply) => {
    const session = await pageSession(deps, req, reply);
    if (!session) return reply;
    const q = req.query as { q?: unknown; state?: unknown };
    const filter: OverviewFilter = {
      q: typeof q.q === 'string' ? q.q.slice(0, 100) : '',
      state: STATES.find((s) => s === q.state) ?? '',
    };
    return sendPage(reply, await overviewPage(view, session, filter));
  });

  app.get('/servers/:name', { schema: { params: NAME }, config: HTML_PAGE }, async (req, reply) => {
    const session = await pageSession(deps, req, reply);
    if (!session) return reply;
    const query = req.query as Record<string, unknown>;
    const pick = (k: keyof ServerPageQuery) =>
      typeof query[k] === 'string' ? { [k]: query[k] as string } : {};
    const q: ServerPageQuery = {
      ...pick('window'),
      ...pick('failed'),
      ...pick('before'),
      ...pick('from'),
      ...pick('to'),
    };
    return sendPage(reply, await serverPage(view, session, (req.params as { name: string }).name, q));
  });

  app.get('/incidents', { config: HTML_PAGE }, async (req, reply) => {
    const session = await pageSession(deps, req, reply);
    if (!session) return reply;
    return sendPage(reply, await incidentsPage(view, session));
  });

  app.get('/incidents/:id', { schema: { params: ID }, config: HTML_PAGE }, async (req, reply) => {
    const session = await pageSession(deps, req, reply);
    if (!session) return reply;
    return sendPage(
      reply,
      await incidentPage(view, session, await requireIncident(view, (req.params as { id: string }).id)),
    );
  });

  app.get('/incidents/:id/postmortem', { schema: { params: ID }, config: HTML_PAGE }, async (req, reply) => {
    const session = await pageSession(deps, req, reply);
    if (!session) return reply;
    return sendPage(
      reply,
      await postmortemPage(view, session, await requireIncident(view, (req.params as { id: string }).id)),
    );
  });

  // ---- actions ----

  // Session, origin and CSRF are checked before the form is validated: strangers learn nothing from 400s.
  const actionSessions = new WeakMap<FastifyRequest, Session>();
  const guard = async (req: FastifyRequest): Promise<void> => {
    actionSessions.set(req, await actionSession(deps, req));
  };

  const incidentAction = (
    path: string,
    body: Record<string, unknown>,
    act: (id: string, form: FormBody, by: string) => Promise<unknown>,
  ): void => {
    app.post(
      `/incidents/:id/${path}`,
      { schema: { params: ID, body }, config: HTML_PAGE, preValidation: guard },
      async (req, reply) => {
        const session = actionSessions.get(req)!;
        const id = (req.params as { id: string }).id;
        const incident = await requireIncident(view, id);
        if (incident.status === 'resolved' && path !== 'postmortem') {
          throw new ProblemError('conflict', `incident "${id}" is already resolved`);
        }
        if ((await act(id, req.body as FormBody, actorOf(session.token))) === null)
          throw notFound(`incident "${id}"`);
        return back(
          reply,
          `/incidents/${encodeURIComponent(id)}${path === 'postmortem' ? '/postmortem' : ''}`,
        );
      },
    );
  };
  const form = (props: Record<string, unknown>, required: string[] = []) => ({
    type: 'object',
    required,
    properties: { _csrf: { type: 'string' }, ...props },
  });

  incidentAction('acknowledge', form({}), (id, _f, by) => view.acknowledge(id, by));
  incidentAction(
    'updates',
    form(
      {
        status: { type: 'string', enum: [...UPDATE_STATUSES] },
        message: { ...MESSAGE, minLength: 1 },
      },
      ['status', 'message'],
    ),
    (id, f, by) => view.postUpdate(id, f.status as IncidentStatus, f.message!, by),
  );
  incidentAction('resolve', form({ message: MESSAGE }), (id, f, by) => {
    const message = f.message?.trim();
    return message ? view.resolve(id, by, message) : view.resolve(id, by);
  });
  incidentAction(
    'postmortem',
    form({
      ...Object.fromEntries(
        POSTMORTEM_FIELDS.map((k) => [k, { type: 'string', maxLength: POSTMORTEM_FIELD_MAX }]),
      ),
      publish: { type: 'string' },
    }),
    async (id, f, by) => {
      const incident = await requireIncident(view, id);
      if (incident.status !== 'resolved') throw new ProblemError('conflict', 'the incident is still open');
      const edit: PostmortemEdit = { publish: f.publish === '1' };
      for (const k of POSTMORTEM_FIELDS) if (typeof f[k] === 'string') edit[k] = f[k];
      return editPostmortem(view.store, incident, edit, by, view.now());
    },
  );

  const serverAction = (path: string, act: (name: string) => Promise<unknown>): void => {
    app.post(
      `/servers/:name/${path}`,
      { schema: { params: NAME, body: form({}) }, config: HTML_PAGE, preValidation: guard },
      async (req, reply) => {
        const name = (req.params as { name: string }).name;
        if (!view.servers().some((s) => s.name === name)) throw notFound(`server "${name}"`);
        await act(name);
        return back(reply, `/servers/${encodeURIComponent(name)}${path === 'probe' ? '#log' : ''}`);
      },
    );
  };
  serverAction('probe', (name) => view.probeNow(name));
  serverAction('pause', (name) => view.pauseServer(name, true));
  serverAction('resume', (name) => view.pauseServer(name, false));
}
