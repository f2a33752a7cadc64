/** One server: state, charts over a chosen window, rates and latency per layer, SLO, TLS, probe log, tools, incidents. */
import { decodeCursor, encodeCursor } from '../api/common.js';
import { hubRegionOf, viewRegionRows } from '../regions.js';
import { regionsTable } from './regions-table.js';
import type { Session } from '../auth/sessions.js';
import { diffSurfaces, type SurfaceDiff } from '../drift.js';
import { html } from '../html/escape.js';
import { relative } from '../html/format.js';
import { notFound } from '../http/problem.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { redactUrl } from '../../monitor/redact.js';
import { parseWindow, series, windowStats } from '../stats.js';
import { csrfField, page } from './layout.js';
import { toolCallsSection } from './tool-calls.js';
import {
  actionsFor,
  charts,
  incidentList,
  latencyTable,
  probeLog,
  rateTable,
  sloPanel,
  tlsPanel,
  toolSection,
  warningList,
} from './server-sections.js';

export const WINDOW_CHOICES = ['1h', '6h', '24h', '7d', '30d', '90d'] as const;
const RATE_WINDOWS = ['5m', '15m', '1h', '24h', '7d', '30d'];
const LOG_PAGE = 30;

export interface ServerPageQuery {
  window?: string;
  failed?: string;
  before?: string;
  from?: string;
  to?: string;
}

async function drift(view: MonitorView, server: string, q: ServerPageQuery): Promise<SurfaceDiff | null> {
  const recent = await view.store.listToolSurfaces(server, 2);
  const to = q.to ? Number(q.to) : recent[0]?.id;
  const from = q.from ? Number(q.from) : recent.find((s) => s.id !== to)?.id;
  if (!from || !to) return null;
  const [a, b] = await Promise.all([view.store.getToolSurface(from), view.store.getToolSurface(to)]);
  if (!a || !b || a.server !== server || b.server !== server) return null;
  return diffSurfaces(a, b);
}

export async function serverPage(
  view: MonitorView,
  session: Session,
  name: string,
  q: ServerPageQuery,
): Promise<string> {
  const server = view.servers().find((s) => s.name === name);
  const summary = server ? await view.summary(name) : null;
  if (!server || !summary) throw notFound(`server "${name}"`);
  const now = view.now();
  const windowName = (WINDOW_CHOICES as readonly string[]).includes(q.window ?? '') ? q.window! : '24h';
  const spec = parseWindow(windowName)!;
  const onlyFailed = q.failed === '1';
  const before = q.before ? decodeCursor(q.before) : undefined;
  const [chart, rates, chosen, results, surfaces, incidents, warnings, diff] = await Promise.all([
    series(view.store, name, spec, now),
    windowStats(
      view.store,
      name,
      RATE_WINDOWS.map((w) => parseWindow(w)!),
      now,
    ),
    windowStats(view.store, name, [spec], now),
    view.store.listResults({
      server: name,
      limit: LOG_PAGE + 1,
      ...(onlyFailed ? { onlyFailed } : {}),
      ...(before ? { before } : {}),
    }),
    view.store.listToolSurfaces(name, 20),
    view.store.listIncidents({ server: name, limit: 20 }),
    view.store.listWarnings({ server: name, active: true, limit: 50 }),
    drift(view, name, q),
  ]);
  const latestSurface = surfaces[0] ? await view.store.getToolSurface(surfaces[0].id) : null;
  const log = results.slice(0, LOG_PAGE);
  const last = log[log.length - 1];
  const base = `/servers/${encodeURIComponent(name)}`;
  const nextHref =
    results.length > LOG_PAGE && last?.id !== undefined
      ? `${base}?window=${windowName}${onlyFailed ? '&failed=1' : ''}&before=${encodeCursor(last.id)}#log`
      : null;
  const hubRegion = hubRegionOf(view);
  const regions = server.regions.some((r) => r !== hubRegion)
    ? await viewRegionRows(view, server, now)
    : null;
  const csrf = csrfField(session);
  const body = html`<h1>
      ${name}
      <span class="pill s-${summary.state}">${summary.state}</span
      >${server.paused ? html` <span class="pill s-paused">paused</span>` : ''}
    </h1>
    <p class="muted">
      <code>${redactUrl(server.url)}</code
      >${summary.failure ? html` · failing at <strong>${summary.failure.layer}</strong> (${summary.failure.code})` : ''}${
        summary.since !== null ? ` · since ${relative(summary.since, now)}` : ''
      }${summary.openIncidentId ? html` · <a href="/incidents/${encodeURIComponent(summary.openIncidentId)}">open incident</a>` : ''}
    </p>
    ${actionsFor(server, session, csrf)}
    <form class="filters" method="get" action="${base}">
      <label
        >Window
        <select name="window" data-autosubmit>
          ${WINDOW_CHOICES.map(
            (w) => html`<option value="${w}" ${w === windowName ? html` selected` : ''}>${w}</option>`,
          )}
        </select></label
      ><button type="submit">Show</button>
    </form>
    ${charts(chart)}
    <h2>Error rate and latency by window</h2>
    ${rateTable(rates)}
    <h2>Latency by layer</h2>
    ${chosen[0] ? latencyTable(chosen[0]) : ''}
    ${
      regions
        ? html`<h2 id="regions">Regions</h2>
            ${regionsTable(regions, now)}`
        : ''
    }
    <h2 id="tool-calls">Tool calls (real traffic)</h2>
    ${toolCallsSection(view, server, now)}
    <div class="grid">${sloPanel(summary, now)}${tlsPanel(summary, log[0])}</div>
    <h2>Warnings</h2>
    ${warningList(warnings, now)}
    <h2>Incidents</h2>
    ${incidentList(incidents)}
    <h2 id="tools">Tool surface</h2>
    ${toolSection(name, surfaces, latestSurface, diff)}
    <h2 id="log">Probe log</h2>
    <p>
      <a href="${base}?window=${windowName}#log">all</a> ·
      <a href="${base}?window=${windowName}&amp;failed=1#log">failures only</a>
    </p>
    ${probeLog(log, server, now, nextHref)}`;
  return page({ title: name, session, body }).text;
}
