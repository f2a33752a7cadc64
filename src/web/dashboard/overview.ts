/**
 * The overview: every server in one table, worst first, from ONE summaries() call and ONE query for
 * open incidents (no per-server requests, from the server or the browser). Filters work as a GET
 * form without JavaScript; the script only filters by name as you type.
 */
import type { ServerState, Incident } from '../../engine/types.js';
import type { Session } from '../auth/sessions.js';
import { html, join, type Html } from '../html/escape.js';
import { ms, percent, relative } from '../html/format.js';
import type { MonitorView, MonitorSummary } from '../../monitor/monitor-view.js';
import { clusterSection } from '../cluster.js';
import { page } from './layout.js';

const ORDER: Record<ServerState, number> = { down: 0, degraded: 1, maintenance: 2, unknown: 3, up: 4 };
export const STATES: readonly ServerState[] = ['down', 'degraded', 'maintenance', 'unknown', 'up'];

export interface OverviewFilter {
  q: string;
  state: ServerState | '';
}

function row(s: MonitorSummary, incident: Incident | undefined, now: number): Html {
  const failing = s.failure ? `${s.failure.layer} · ${s.failure.code}` : '';
  const tls = s.tlsDaysRemaining;
  return html`<tr data-name="${s.server}" data-state="${s.state}">
    <td>
      <a href="/servers/${s.server}">${s.server}</a
      >${s.paused ? html` <span class="pill s-paused">paused</span>` : ''}
    </td>
    <td><span class="pill s-${s.state}">${s.state}</span></td>
    <td>${failing}</td>
    <td>${s.since === null ? '–' : relative(s.since, now)}</td>
    <td class="num">${percent(s.errorRate['5m'], 1)}</td>
    <td class="num">${percent(s.errorRate['1h'], 1)}</td>
    <td class="num">${percent(s.errorRate['24h'], 2)}</td>
    <td class="num">${ms(s.p95Ms['1h'])}</td>
    <td class="num">${percent(s.slo.remainingBudget, 0)}</td>
    <td>
      ${incident ? html`<a href="/incidents/${encodeURIComponent(incident.id)}"><span class="pill s-${incident.severity}">${incident.severity}</span> ${incident.status}</a>` : ''}
    </td>
    <td class="num">${tls === null ? '–' : `${Math.floor(tls)} d`}</td>
    <td>${s.lastProbe ? relative(s.lastProbe.at, now) : 'never'}</td>
  </tr>`;
}

export async function overviewPage(
  view: MonitorView,
  session: Session,
  filter: OverviewFilter,
): Promise<string> {
  const now = view.now();
  const [summaries, open, cluster] = await Promise.all([
    view.summaries(),
    view.store.listIncidents({ open: true, limit: 10_000 }),
    view.cluster ? view.cluster() : null,
  ]);
  const incidentOf = new Map<string, Incident>();
  for (const i of open) if (!incidentOf.has(i.server)) incidentOf.set(i.server, i);
  const counts = new Map<ServerState, number>();
  for (const s of summaries) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const q = filter.q.toLowerCase();
  const shown = summaries
    .filter((s) => (filter.state === '' || s.state === filter.state) && (q === '' || s.server.includes(q)))
    .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.server.localeCompare(b.server));
  const rows = join(shown.map((s) => row(s, incidentOf.get(s.server), now)));
  const body = html`<h1>Servers</h1>
    <p>
      ${summaries.length} servers ·
      ${STATES.map((st) => html`<span class="pill s-${st}">${counts.get(st) ?? 0} ${st}</span> `)} ·
      <a href="/incidents">${open.length} open incidents</a>
    </p>
    <form class="filters" method="get" action="/">
      <input
        type="text"
        name="q"
        value="${filter.q}"
        placeholder="Filter by name"
        aria-label="Filter by name"
        data-filter-table="servers"
      />
      <select name="state" aria-label="State">
        <option value="">any state</option>
        ${STATES.map(
          (st) => html`<option value="${st}" ${st === filter.state ? html` selected` : ''}>${st}</option>`,
        )}
      </select>
      <button type="submit">Filter</button>
    </form>
    <table id="servers">
      <thead>
        <tr>
          <th>Server</th>
          <th>State</th>
          <th>Failing layer</th>
          <th>Since</th>
          <th class="num">Errors 5m</th>
          <th class="num">1h</th>
          <th class="num">24h</th>
          <th class="num">p95 1h</th>
          <th class="num">SLO left</th>
          <th>Incident</th>
          <th class="num">TLS</th>
          <th>Last probe</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${cluster ? clusterSection(cluster, now) : ''}`;
  return page({ title: 'Servers', session, body, refresh: 60 }).text;
}
