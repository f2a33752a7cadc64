/**
 * The status page of a whole registry source (`statusPages[].source`): thousands of servers,
 * grouped by registry namespace (`io.github.acme` of `io.github.acme/weather`), searchable
 * (`?q=`), 100 to a page (`?page=`), each with its current status and 90-day uptime. Only the
 * servers shown are read in detail, so a page costs the same with 200 servers or 20,000: one pass
 * over the server list, one query of open incidents, and 100 summaries and uptimes.
 */
import type { ServerConfig, StatusPageConfig } from '../../config/types.js';
import type { Incident } from '../../engine/types.js';
import type { MonitorView } from '../../monitor/monitor-view.js';
import { sourceTag } from '../../registry/sync.js';
import { CSS_PATH } from '../assets.js';
import { html, type Html } from '../html/escape.js';
import { percent, utc } from '../html/format.js';
import type { DailyBarCache } from './bar-cache.js';
import {
  componentStatus,
  coversServer,
  HISTORY_DAYS,
  INDICATOR_TEXT,
  type ComponentStatus,
  type Indicator,
} from './model.js';
import { COMPONENT_LABEL } from './page.js';
import { impactOf, publicName } from './updates.js';

export const DIRECTORY_PAGE_SIZE = 100;
const REGISTRY_PREFIX = 'registry:';
const RANKS: Indicator[] = ['none', 'minor', 'major', 'critical'];

export interface DirectoryRow {
  server: string;
  registryNames: string[];
  deprecated: boolean;
  status: ComponentStatus;
  uptime: number | null;
}

export interface DirectoryModel {
  page: StatusPageConfig;
  now: number;
  q: string;
  /** Servers of the page in all. */
  total: number;
  /** ...that match `q`. */
  matched: number;
  pageNo: number;
  pages: number;
  groups: { namespace: string; rows: DirectoryRow[] }[];
  /** Open incidents of the page's servers (all of them, not only those shown). */
  open: Incident[];
  indicator: Indicator;
}

/** The page's servers: those it names, then those its source monitors. */
export function pageServers(view: MonitorView, page: StatusPageConfig): ServerConfig[] {
  const named = new Set(page.servers);
  const tag = page.source ? sourceTag(page.source) : null;
  return view.servers().filter((s) => named.has(s.name) || (tag !== null && s.tags.includes(tag)));
}

const registryNames = (s: ServerConfig): string[] =>
  s.tags.filter((t) => t.startsWith(REGISTRY_PREFIX)).map((t) => t.slice(REGISTRY_PREFIX.length));

const namespaceOf = (s: ServerConfig): string => {
  const first = registryNames(s)[0];
  return first?.includes('/') ? first.slice(0, first.indexOf('/')) : 'other';
};

export async function buildDirectoryModel(
  view: MonitorView,
  page: StatusPageConfig,
  query: { q?: string; page?: number },
  cache: DailyBarCache,
): Promise<DirectoryModel> {
  const now = view.now();
  const q = (query.q ?? '').trim().slice(0, 200);
  const needle = q.toLowerCase();
  const all = pageServers(view, page);
  const names = new Set(all.map((s) => s.name));
  const keyed = all
    .filter(
      (s) =>
        needle === '' ||
        s.name.includes(needle) ||
        registryNames(s).some((n) => n.toLowerCase().includes(needle)),
    )
    .map((s) => ({ s, ns: namespaceOf(s) }))
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.s.name < b.s.name ? -1 : 1));
  const pages = Math.max(1, Math.ceil(keyed.length / DIRECTORY_PAGE_SIZE));
  const pageNo = Math.min(Math.max(1, Math.floor(query.page ?? 1)), pages);
  const shown = keyed.slice((pageNo - 1) * DIRECTORY_PAGE_SIZE, pageNo * DIRECTORY_PAGE_SIZE);
  const open = (await view.store.listIncidents({ open: true, limit: 10_000 })).filter((i) =>
    names.has(i.server),
  );
  const maintenance = view.maintenance().filter((w) => w.start <= now && now < w.end);
  const groups: DirectoryModel['groups'] = [];
  for (const { s, ns } of shown) {
    const summary = (await view.summary(s.name)) ?? undefined;
    const incident = open.find((i) => i.server === s.name) ?? null;
    const inMaintenance = maintenance.some((w) => coversServer(w, s.name));
    const history = await cache.history(s.name, HISTORY_DAYS, now);
    const bars = [...history.past, history.today];
    const total = bars.reduce((n, b) => n + b.total, 0);
    const failed = bars.reduce((n, b) => n + b.failed, 0);
    const row: DirectoryRow = {
      server: s.name,
      registryNames: registryNames(s),
      deprecated: s.tags.includes('deprecated'),
      status: componentStatus(summary, incident, inMaintenance),
      uptime: total > 0 ? (total - failed) / total : null,
    };
    const last = groups.at(-1);
    if (last?.namespace === ns) last.rows.push(row);
    else groups.push({ namespace: ns, rows: [row] });
  }
  const rank = Math.max(0, ...open.map((i) => RANKS.indexOf(impactOf(i))));
  return {
    page,
    now,
    q,
    total: all.length,
    matched: keyed.length,
    pageNo,
    pages,
    groups,
    open,
    indicator: RANKS[rank] ?? 'none',
  };
}

function link(m: DirectoryModel, pageNo: number): string {
  const params = new URLSearchParams();
  if (m.q) params.set('q', m.q);
  if (pageNo > 1) params.set('page', String(pageNo));
  const qs = params.toString();
  return `/status/${encodeURIComponent(m.page.slug)}${qs ? `?${qs}` : ''}`;
}

function row(r: DirectoryRow): Html {
  return html`<tr data-server="${r.server}">
    <td>
      <strong>${r.server}</strong
      >${r.deprecated ? html` <span class="pill" data-deprecated>deprecated</span>` : ''}
      <div class="muted small">${r.registryNames.join(', ')}</div>
    </td>
    <td><span class="pill s-${r.status}" data-status="${r.status}">${COMPONENT_LABEL[r.status]}</span></td>
    <td class="num">${percent(r.uptime, 2)}</td>
  </tr>`;
}

export function directoryHtml(m: DirectoryModel): Html {
  const base = `/status/${encodeURIComponent(m.page.slug)}`;
  const first = (m.pageNo - 1) * DIRECTORY_PAGE_SIZE + 1;
  const last = Math.min(m.matched, m.pageNo * DIRECTORY_PAGE_SIZE);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${m.page.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${CSS_PATH}" />
      </head>
      <body>
        <main class="narrow">
          <header>
            <h1>${m.page.title}</h1>
            ${m.page.description ? html`<p class="muted">${m.page.description}</p>` : ''}
          </header>
          <div class="banner s-${m.indicator}" data-indicator="${m.indicator}">
            ${m.open.length === 0 ? INDICATOR_TEXT.none : `${m.open.length} of ${m.total} servers with an open incident`}
          </div>
          <form method="get" action="${base}" role="search">
            <input
              type="search"
              name="q"
              value="${m.q}"
              placeholder="Search ${m.total} servers"
              aria-label="Search servers"
            />
            <button type="submit">Search</button>
          </form>
          <p class="muted small" data-matched="${m.matched}">
            ${m.matched === 0 ? 'No server matches.' : `Servers ${first}–${last} of ${m.matched}${m.q ? ` matching “${m.q}”` : ''}`}
          </p>
          ${m.groups.map(
            (g) =>
              html`<section class="card" data-namespace="${g.namespace}">
                <h2>${g.namespace}</h2>
                <table>
                  <thead>
                    <tr>
                      <th>Server</th>
                      <th>Status</th>
                      <th>Uptime (${HISTORY_DAYS} days)</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${g.rows.map(row)}
                  </tbody>
                </table>
              </section>`,
          )}
          <nav class="pager">
            ${m.pageNo > 1 ? html`<a rel="prev" href="${link(m, m.pageNo - 1)}">← Previous</a>` : ''}
            <span>Page ${m.pageNo} of ${m.pages}</span>
            ${m.pageNo < m.pages ? html`<a rel="next" href="${link(m, m.pageNo + 1)}">Next →</a>` : ''}
          </nav>
          ${
            m.open.length
              ? html`<section>
                  <h2>Open incidents</h2>
                  <ul>
                    ${m.open.slice(0, 50).map((i) => html`<li><strong>${i.server}</strong>: ${publicName(i)} (${utc(i.openedAt)})</li>`)}
                  </ul>
                </section>`
              : ''
          }
          <footer>Updated ${utc(m.now)} · Monitored by mcpwatch</footer>
        </main>
      </body>
    </html>`;
}
