/**
 * Signed acknowledgement links from notifications (alerts/links.ts): GET shows what would be
 * acknowledged (so link previews never acknowledge), POST acknowledges. The token is the credential;
 * it is never echoed back into the page (the form posts to the page's own URL).
 */
import type { FastifyInstance } from 'fastify';
import { html } from '../html/escape.js';
import { utc } from '../html/format.js';
import { notFound } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { checkSameOrigin } from './context.js';
import { page } from './layout.js';
import { HTML_PAGE, pathParams, sendHtml } from '../html/route.js';

const PARAMS = pathParams({ token: { type: 'string', maxLength: 1000 } });

export const ACK_ACTOR = 'ack-link';

export function registerAckLink(app: FastifyInstance, view: MonitorView): void {
  const incidentOf = async (token: string) => {
    const id = view.verifyAckToken(token);
    const incident = id === null ? null : await view.store.getIncident(id);
    if (!incident) throw notFound('this acknowledgement link is invalid or has expired; it');
    return incident;
  };

  app.get('/ack/:token', { schema: { params: PARAMS }, config: HTML_PAGE }, async (req, reply) => {
    const i = await incidentOf((req.params as { token: string }).token);
    const body =
      i.status === 'resolved' || i.acknowledgedAt !== null
        ? html`<h1>${i.severity} ${i.server}</h1>
            <p>
              This incident is
              ${i.status === 'resolved' ? 'resolved' : `already acknowledged (${utc(i.acknowledgedAt!)})`}.
            </p>`
        : html`<h1>Acknowledge ${i.severity} ${i.server}?</h1>
            <p>
              Opened
              ${utc(i.openedAt)}${i.layer ? ` · failing at ${i.layer}` : ''}${i.code ? ` (${i.code})` : ''}.
            </p>
            <form method="post"><button type="submit" id="acknowledge">Acknowledge</button></form>`;
    return sendHtml(
      reply.header('Referrer-Policy', 'no-referrer'),
      page({ title: 'Acknowledge', session: null, body }).text,
    );
  });

  app.post('/ack/:token', { schema: { params: PARAMS }, config: HTML_PAGE }, async (req, reply) => {
    checkSameOrigin(req);
    const i = await incidentOf((req.params as { token: string }).token);
    const done = i.status === 'resolved' ? i : ((await view.acknowledge(i.id, ACK_ACTOR)) ?? i);
    const body = html`<h1>${done.severity} ${done.server}</h1>
      <p id="acknowledged">
        ${
          done.status === 'resolved'
            ? 'This incident is resolved.'
            : `Acknowledged at ${utc(done.acknowledgedAt ?? view.now())}.`
        }
      </p>`;
    return sendHtml(
      reply.header('Referrer-Policy', 'no-referrer'),
      page({ title: 'Acknowledged', session: null, body }).text,
    );
  });
}
