/** The public status page: server-rendered HTML that needs no JavaScript. */
import type { Incident } from '../../engine/types.js';
import { CSS_PATH } from '../assets.js';
import { html, type Html } from '../html/escape.js';
import { ms, percent, span, utc } from '../html/format.js';
import { uptimeBar } from '../html/uptime-bar.js';
import { POSTMORTEM_FIELDS, POSTMORTEM_LABELS, type Postmortem } from '../postmortem.js';
import type {
  ComponentModel,
  ComponentStatus,
  MaintenanceModel,
  RegionModel,
  RegionState,
  StatusModel,
} from './model.js';
import { publicName, publicUpdates } from './updates.js';

export const COMPONENT_LABEL: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const STATUS_LABEL: Record<Incident['status'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

const DAY = 86_400_000;

function incidentNotes(m: StatusModel, server: string): Map<number, string[]> {
  const notes = new Map<number, string[]>();
  for (const i of m.incidents) {
    if (i.server !== server) continue;
    const end = i.resolvedAt ?? m.now;
    for (let d = Math.floor(i.openedAt / DAY) * DAY; d <= end; d += DAY) {
      const list = notes.get(d) ?? [];
      list.push(`Incident: ${publicName(i)}`);
      notes.set(d, list);
    }
  }
  return notes;
}

export const REGION_LABEL: Record<RegionState, string> = {
  up: 'Up',
  failing: 'Failing',
  unknown: 'No data yet',
};

const REGION_PILL: Record<RegionState, string> = { up: 'up', failing: 'down', unknown: 'unknown' };

function regionTable(server: string, rows: readonly RegionModel[]): Html {
  if (rows.length === 0) return html``;
  return html`<table class="regions small" aria-label="${server} by region">
    <thead>
      <tr>
        <th>Region</th>
        <th>Status</th>
        <th class="num">p95 (last hour)</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr data-region="${r.region}">
            <td>${r.region}</td>
            <td>
              <span class="pill s-${REGION_PILL[r.state]}" data-region-state="${r.state}"
                >${REGION_LABEL[r.state]}</span
              >
            </td>
            <td class="num" data-p95="${r.p95 === null ? '' : String(Math.round(r.p95))}">${ms(r.p95)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function component(m: StatusModel, c: ComponentModel): Html {
  const days = c.bars.length;
  return html`<div class="component" id="component-${c.server}" data-server="${c.server}">
    <div class="head">
      <strong>${c.server}</strong>
      <span class="pill s-${c.status}" data-status="${c.status}">${COMPONENT_LABEL[c.status]}</span>
    </div>
    ${c.history ? uptimeBar(c.history, `${c.server}: daily availability over the last ${days} days`, incidentNotes(m, c.server)) : ''}
    <div class="bar-legend">
      <span>${days} days ago</span><span>${percent(c.uptime, 3)} uptime</span><span>Today</span>
    </div>
    ${regionTable(c.server, c.regions)}
  </div>`;
}

function updates(i: Incident): Html {
  const list = publicUpdates(i).reverse();
  return html`<ul class="timeline">
    ${list.map(
      (u) =>
        html`<li>
          <strong>${STATUS_LABEL[u.status]}</strong> — ${u.body}<time
            datetime="${new Date(u.at).toISOString()}"
            >${utc(u.at)}</time
          >
        </li>`,
    )}
  </ul>`;
}

function postmortem(pm: Postmortem): Html {
  return html`<details class="postmortem" open>
    <summary>Postmortem</summary>
    <dl class="kv">
      ${POSTMORTEM_FIELDS.map(
        (f) =>
          html`<dt>${POSTMORTEM_LABELS[f]}</dt>
            <dd>${pm[f]}</dd>`,
      )}
    </dl>
  </details>`;
}

function incident(m: StatusModel, i: Incident): Html {
  const duration =
    i.resolvedAt === null
      ? `ongoing for ${span(m.now - i.openedAt)}`
      : `lasted ${span(i.resolvedAt - i.openedAt)}`;
  const pm = m.postmortems.get(i.id);
  return html`<article class="card incident" id="incident-${i.id}" data-incident="${i.id}">
    <h3>
      ${publicName(i)}
      <span class="pill s-${i.status}" data-incident-status="${i.status}">${STATUS_LABEL[i.status]}</span>
    </h3>
    <p class="muted small">${utc(i.openedAt)} · ${duration}</p>
    ${updates(i)}${pm ? postmortem(pm) : ''}
  </article>`;
}

function maintenance(w: MaintenanceModel): Html {
  const label =
    w.phase === 'in_progress' ? 'In progress' : w.phase === 'scheduled' ? 'Scheduled' : 'Completed';
  const servers = w.servers === 'all' ? 'all services' : w.servers.join(', ');
  return html`<article class="card" id="maintenance-${w.id}">
    <h3>${w.title ?? 'Scheduled maintenance'} <span class="pill s-under_maintenance">${label}</span></h3>
    <p class="muted small">${utc(w.start)} – ${utc(w.end)} · ${servers}</p>
  </article>`;
}

export function statusPageHtml(m: StatusModel): Html {
  const base = `/status/${encodeURIComponent(m.page.slug)}`;
  const open = m.incidents.filter((i) => i.status !== 'resolved');
  const past = m.incidents.filter((i) => i.status === 'resolved');
  const upcoming = m.maintenance.filter((w) => w.phase !== 'completed');
  const logo = m.page.logoUrl && /^https:\/\//.test(m.page.logoUrl) ? m.page.logoUrl : null;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content="60" />
        <title>${m.page.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${CSS_PATH}" />
        <link
          rel="alternate"
          type="application/atom+xml"
          title="${m.page.title} incidents"
          href="${base}/feed.atom"
        />
      </head>
      <body>
        <main class="narrow">
          <header>
            <h1>${logo ? html`<img class="logo" src="${logo}" alt="" />` : ''}${m.page.title}</h1>
            ${m.page.description ? html`<p class="muted">${m.page.description}</p>` : ''}
          </header>
          <div class="banner s-${m.indicator}" data-indicator="${m.indicator}">${m.description}</div>
          ${
            open.length
              ? html`<section>
                  <h2>Current incidents</h2>
                  ${open.map((i) => incident(m, i))}
                </section>`
              : ''
          }
          ${
            upcoming.length
              ? html`<section>
                  <h2>Maintenance</h2>
                  ${upcoming.map(maintenance)}
                </section>`
              : ''
          }
          <section class="card">
            <h2>Services</h2>
            ${m.components.map((c) => component(m, c))}
          </section>
          <section>
            <h2>Past incidents</h2>
            ${past.length ? past.map((i) => incident(m, i)) : html`<p class="muted">No incidents in the last 90 days.</p>`}
          </section>
          <footer>
            Updated ${utc(m.updatedAt)} · <a href="${base}/feed.atom">Atom feed</a> ·
            <a href="${base}/api/v2/summary.json">JSON</a> · Monitored by mcpwatch
          </footer>
        </main>
      </body>
    </html>`;
}
