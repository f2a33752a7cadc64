/** Incidents: the list, and one incident with its timeline and the acknowledge/update/resolve forms. */
import { LIKELY_FIX } from '../../probe/explain.js';
import { UPDATE_STATUSES, type Incident } from '../../engine/types.js';
import type { Session } from '../auth/sessions.js';
import { html, type Html } from '../html/escape.js';
import { relative, span, utc } from '../html/format.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { loadPostmortem } from '../postmortem.js';
import { publicIncident } from '../../monitor/redact.js';
import { csrfField, page } from './layout.js';
import { incidentList } from './server-sections.js';

function actions(i: Incident, session: Session): Html {
  if (session.token.scope !== 'admin' || i.status === 'resolved') return html``;
  const csrf = csrfField(session);
  const base = `/incidents/${encodeURIComponent(i.id)}`;
  return html`<div class="card" id="actions">
    <h2>Actions</h2>
    <div class="actions">
      ${i.acknowledgedAt === null ? html`<form method="post" action="${base}/acknowledge">${csrf}<button type="submit" id="acknowledge">Acknowledge</button></form>` : ''}
    </div>
    <form class="stack" method="post" action="${base}/updates">
      ${csrf}
      <label
        >Status
        <select name="status">
          ${UPDATE_STATUSES.map(
            (s) => html`<option value="${s}" ${s === i.status ? html` selected` : ''}>${s}</option>`,
          )}
        </select></label
      >
      <label
        >Update (shown on the status page) <textarea name="message" required maxlength="5000"></textarea>
      </label>
      <button type="submit">Post update</button>
    </form>
    <form class="stack" method="post" action="${base}/resolve" data-confirm="Resolve this incident?">
      ${csrf}
      <label
        >Closing message (optional, shown on the status page)
        <textarea name="message" maxlength="5000"></textarea>
      </label>
      <button class="secondary" type="submit">Resolve</button>
    </form>
  </div>`;
}

export async function incidentPage(view: MonitorView, session: Session, incident: Incident): Promise<string> {
  const i = publicIncident(
    incident,
    view.servers().find((s) => s.name === incident.server),
  );
  const now = view.now();
  const pm = i.status === 'resolved' ? await loadPostmortem(view.store, i.id) : null;
  const timeline = i.timeline
    .slice()
    .reverse()
    .map(
      (e) =>
        html`<li data-kind="${e.kind}">
          <strong>${e.kind}</strong> — ${e.message}<time datetime="${new Date(e.at).toISOString()}"
            >${utc(e.at)} (${relative(e.at, now)})</time
          >
        </li>`,
    );
  const body = html`<h1>
      <span class="pill s-${i.severity}">${i.severity}</span> <a href="/servers/${i.server}">${i.server}</a>
      <span class="pill s-${i.status}" id="incident-status">${i.status}</span>
    </h1>
    <div class="card">
      <dl class="kv">
        <dt>Incident</dt>
        <dd><code>${i.id}</code></dd>
        <dt>Opened</dt>
        <dd>${utc(i.openedAt)} (${relative(i.openedAt, now)}) by rule <code>${i.trigger}</code></dd>
        <dt>First failed probe</dt>
        <dd>
          ${i.firstFailureAt === null ? '–' : `${utc(i.firstFailureAt)} (${span(i.openedAt - i.firstFailureAt)} before the alert)`}
        </dd>
        <dt>Failing</dt>
        <dd>
          ${i.layer ?? '–'}${i.code ? html` · <code>${i.code}</code><br /><span class="small muted">${LIKELY_FIX[i.code]}</span>` : ''}
        </dd>
        <dt>Active triggers</dt>
        <dd>${i.activeTriggers.join(', ') || 'none'}</dd>
        <dt>Failed probes</dt>
        <dd>${i.failedProbes}</dd>
        <dt>Acknowledged</dt>
        <dd id="acknowledged">
          ${i.acknowledgedAt === null ? 'no' : `${utc(i.acknowledgedAt)} by ${i.acknowledgedBy ?? 'someone'}`}
        </dd>
        <dt>Resolved</dt>
        <dd>
          ${i.resolvedAt === null ? 'open' : `${utc(i.resolvedAt)} after ${span(i.resolvedAt - i.openedAt)}`}
        </dd>
      </dl>
    </div>
    ${actions(i, session)}
    ${
      i.status === 'resolved'
        ? html`<div class="card">
            <h2>Postmortem</h2>
            <p>
              ${pm ? `${pm.status === 'published' ? 'Published' : 'Draft'}, last edited ${utc(pm.updatedAt)}.` : 'Not written yet: a draft with the facts is ready.'}
              <a href="/incidents/${encodeURIComponent(i.id)}/postmortem"
                >${session.token.scope === 'admin' ? 'Edit the postmortem' : 'Read the postmortem'}</a
              >
            </p>
          </div>`
        : ''
    }
    <h2>Timeline</h2>
    <ul class="timeline">
      ${timeline}
    </ul>`;
  return page({ title: `${i.severity} ${i.server}`, session, body }).text;
}

export async function incidentsPage(view: MonitorView, session: Session): Promise<string> {
  const [open, recent] = await Promise.all([
    view.store.listIncidents({ open: true, limit: 500 }),
    view.store.listIncidents({ open: false, limit: 100 }),
  ]);
  const body = html`<h1>Incidents</h1>
    <h2>Open</h2>
    ${incidentList(open)}
    <h2>Resolved recently</h2>
    ${incidentList(recent)}`;
  return page({ title: 'Incidents', session, body }).text;
}
