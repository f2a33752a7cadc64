/** The postmortem editor: the facts, five bullets, publish or keep as a draft. */
import type { Incident } from '../../engine/types.js';
import type { Session } from '../auth/sessions.js';
import { html } from '../html/escape.js';
import { span, utc } from '../html/format.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { POSTMORTEM_FIELD_MAX, POSTMORTEM_FIELDS, POSTMORTEM_LABELS, postmortemFor } from '../postmortem.js';
import { ProblemError } from '../http/problem.js';
import { csrfField, page } from './layout.js';

export async function postmortemPage(view: MonitorView, session: Session, i: Incident): Promise<string> {
  const found = await postmortemFor(view.store, i);
  if (!found)
    throw new ProblemError('conflict', 'the incident is still open: the postmortem comes after it resolves');
  const pm = found.postmortem;
  const f = pm.facts;
  const admin = session.token.scope === 'admin';
  const facts = html`<dl class="kv">
    <dt>Server</dt>
    <dd>${f.server}</dd>
    <dt>Severity</dt>
    <dd>${f.severity} (rule ${f.trigger})</dd>
    <dt>Start</dt>
    <dd>${utc(f.firstFailureAt ?? f.start)}</dd>
    <dt>End</dt>
    <dd>${f.end === null ? '–' : utc(f.end)}</dd>
    <dt>Duration</dt>
    <dd>${f.durationMs === null ? '–' : span(f.durationMs)}</dd>
    <dt>Layer · error</dt>
    <dd>${f.layer ?? '–'} · ${f.code ?? '–'}</dd>
    <dt>Probes failed</dt>
    <dd>${f.probesFailed}</dd>
    <dt>First failure → alert</dt>
    <dd>${f.timeToAlertMs === null ? '–' : span(f.timeToAlertMs)}</dd>
  </dl>`;
  const fields = POSTMORTEM_FIELDS.map((field) =>
    admin
      ? html`<label
          >${POSTMORTEM_LABELS[field]}<textarea name="${field}" maxlength="${POSTMORTEM_FIELD_MAX}">
${pm[field]}</textarea>
        </label>`
      : html`<h3>${POSTMORTEM_LABELS[field]}</h3>
          <p>${pm[field]}</p>`,
  );
  const body = html`<h1>
      Postmortem: <a href="/incidents/${encodeURIComponent(i.id)}">${i.server} ${i.severity}</a>
      <span class="pill s-${pm.status === 'published' ? 'up' : 'unknown'}"
        >${pm.status}${found.saved ? '' : ', not saved yet'}</span
      >
    </h1>
    <div class="card">
      <h2>Facts</h2>
      ${facts}
    </div>
    ${
      admin
        ? html`<form
            class="stack card"
            method="post"
            action="/incidents/${encodeURIComponent(i.id)}/postmortem"
          >
            ${csrfField(session)}${fields}
            <label
              ><input
                type="checkbox"
                name="publish"
                value="1"
                ${pm.status === 'published' ? html` checked` : ''}
              />
              Published on status pages</label
            >
            <button type="submit">Save</button>
          </form>`
        : html`<div class="card">${fields}</div>`
    }`;
  return page({ title: `Postmortem ${i.server}`, session, body }).text;
}
