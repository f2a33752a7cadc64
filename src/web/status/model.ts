/**
 * Everything one status page shows, gathered once per request and rendered as HTML, Statuspage JSON
 * or Atom: the current status of each listed server (an open incident wins over the summary, so a
 * P1 shows the tick it is written), 90 daily bars, public incidents of the last 90 days with their
 * published postmortems, and maintenance.
 */
import type { StatusPageConfig } from '../../config/types.js';
import type { Incident, MaintenanceWindow, ServerState } from '../../engine/types.js';
import type { DailyBar } from '../../store/store.js';
import type { MonitorView, MonitorSummary } from '../../monitor/monitor-view.js';
import { DailyBarCache, type History } from './bar-cache.js';
import { loadPostmortem, type Postmortem } from '../postmortem.js';
import { impactOf } from './updates.js';
import { viewRegionRows, type RegionRow } from '../regions.js';

export type ComponentStatus =
  'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type Indicator = 'none' | 'minor' | 'major' | 'critical';

export const HISTORY_DAYS = 90;
const DAY = 86_400_000;
/** Incidents listed per page (Statuspage's incidents.json lists 50). */
export const MAX_PAGE_INCIDENTS = 50;

export interface ComponentModel {
  server: string;
  position: number;
  state: ServerState;
  status: ComponentStatus;
  openIncident: Incident | null;
  /** The 90 days, oldest first (empty when the caller asked for no bars). */
  bars: DailyBar[];
  history: History | null;
  /** Over the 90 days, null without probes. */
  uptime: number | null;
  lastProbeAt: number | null;
  /**
   * Region by region, for a server probed from more than one (empty otherwise, and when the caller
   * asked for none): the public part of the API's per-region view only — no failure codes, no agents.
   */
  regions: RegionModel[];
}

/** 'up' or 'failing' by the region's last result; 'unknown' before its first. */
export type RegionState = 'up' | 'failing' | 'unknown';

export interface RegionModel {
  region: string;
  state: RegionState;
  /** p95 of the whole probe over the last hour, ms (null without ok probes). */
  p95: number | null;
}

export function publicRegion(r: RegionRow): RegionModel {
  return {
    region: r.region,
    state: r.last === null ? 'unknown' : r.last.ok ? 'up' : 'failing',
    p95: r.lastHour.p95,
  };
}

export interface MaintenanceModel extends MaintenanceWindow {
  id: string;
  phase: 'scheduled' | 'in_progress' | 'completed';
}

export interface StatusModel {
  page: StatusPageConfig;
  url: string;
  now: number;
  updatedAt: number;
  indicator: Indicator;
  description: string;
  components: ComponentModel[];
  /** Newest first: open ones and those opened in the last 90 days. */
  incidents: Incident[];
  postmortems: Map<string, Postmortem>;
  maintenance: MaintenanceModel[];
}

const STATE_STATUS: Record<ServerState, ComponentStatus> = {
  up: 'operational',
  unknown: 'operational',
  degraded: 'degraded_performance',
  down: 'major_outage',
  maintenance: 'under_maintenance',
};

const RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 1,
  partial_outage: 2,
  major_outage: 3,
};

const INDICATOR_OF_RANK: Indicator[] = ['none', 'minor', 'major', 'critical'];

export const INDICATOR_TEXT: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

export function componentStatus(
  summary: MonitorSummary | undefined,
  open: Incident | null,
  inMaintenance: boolean,
): ComponentStatus {
  if (inMaintenance) return 'under_maintenance';
  if (open) {
    const impact = impactOf(open);
    return impact === 'critical'
      ? 'major_outage'
      : impact === 'major'
        ? 'partial_outage'
        : 'degraded_performance';
  }
  return STATE_STATUS[summary?.state ?? 'unknown'];
}

export function coversServer(w: MaintenanceWindow, server: string): boolean {
  return w.servers === 'all' || w.servers.includes(server);
}

function maintenanceOf(view: MonitorView, servers: readonly string[], now: number): MaintenanceModel[] {
  return view
    .maintenance()
    .filter((w) => servers.some((s) => coversServer(w, s)))
    .filter((w) => w.end > now - 7 * DAY && w.start < now + 60 * DAY)
    .map((w, i) => ({
      ...w,
      id: w.id ?? `maintenance-${i}`,
      phase: (w.start > now
        ? 'scheduled'
        : w.end > now
          ? 'in_progress'
          : 'completed') as MaintenanceModel['phase'],
    }))
    .sort((a, b) => a.start - b.start);
}

async function incidentsOf(
  view: MonitorView,
  servers: readonly string[],
  since: number,
): Promise<Incident[]> {
  const lists = await Promise.all(
    servers.map((server) => view.store.listIncidents({ server, limit: MAX_PAGE_INCIDENTS })),
  );
  return lists
    .flat()
    .filter((i) => i.status !== 'resolved' || i.openedAt >= since)
    .sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? 1 : -1))
    .slice(0, MAX_PAGE_INCIDENTS);
}

export interface StatusModelOptions {
  /** Read the daily bars (default true). */
  bars?: boolean;
  /** Where the past days' bars are kept between requests (default: a fresh one, no caching). */
  cache?: DailyBarCache;
  /** Read the per-region rows of servers probed from several regions (default false). */
  regions?: boolean;
}

export async function buildStatusModel(
  view: MonitorView,
  page: StatusPageConfig,
  opts: StatusModelOptions = {},
): Promise<StatusModel> {
  const cache = opts.cache ?? new DailyBarCache(view.store, 0);
  const now = view.now();
  const known = new Set(view.servers().map((s) => s.name));
  const servers = page.servers.filter((s) => known.has(s));
  const summaries = new Map((await view.summaries()).map((s) => [s.server, s]));
  const incidents = await incidentsOf(view, servers, now - HISTORY_DAYS * DAY);
  const maintenance = maintenanceOf(view, servers, now);
  const components: ComponentModel[] = [];
  const configs = new Map(view.servers().map((s) => [s.name, s]));
  for (const [position, server] of servers.entries()) {
    const config = configs.get(server);
    const regions =
      opts.regions && config && config.regions.length > 1
        ? (await viewRegionRows(view, config, now)).map(publicRegion)
        : [];
    const open = incidents.find((i) => i.server === server && i.status !== 'resolved') ?? null;
    const inMaintenance = maintenance.some((w) => w.phase === 'in_progress' && coversServer(w, server));
    const summary = summaries.get(server);
    const history = opts.bars === false ? null : await cache.history(server, HISTORY_DAYS, now);
    const bars = history ? [...history.past, history.today] : [];
    const total = bars.reduce((n, b) => n + b.total, 0);
    const failed = bars.reduce((n, b) => n + b.failed, 0);
    components.push({
      server,
      position: position + 1,
      state: summary?.state ?? 'unknown',
      status: componentStatus(summary, open, inMaintenance),
      openIncident: open,
      bars,
      history,
      uptime: total > 0 ? (total - failed) / total : null,
      lastProbeAt: summary?.lastProbe?.at ?? null,
      regions,
    });
  }
  let rank = Math.max(0, ...components.map((c) => RANK[c.status]));
  for (const i of incidents)
    if (i.status !== 'resolved') rank = Math.max(rank, INDICATOR_OF_RANK.indexOf(impactOf(i)));
  const indicator = INDICATOR_OF_RANK[rank] ?? 'none';
  const allMaintenance = components.length > 0 && components.every((c) => c.status === 'under_maintenance');
  const postmortems = new Map<string, Postmortem>();
  for (const i of incidents) {
    if (i.status !== 'resolved') continue;
    const pm = await loadPostmortem(view.store, i.id);
    if (pm?.status === 'published') postmortems.set(i.id, pm);
  }
  const stamps = [
    ...incidents.map((i) => i.timeline.at(-1)?.at ?? i.openedAt),
    ...components.map((c) => c.lastProbeAt ?? 0),
  ];
  return {
    page,
    url: `${view.config().server.publicUrl.replace(/\/+$/, '')}/status/${encodeURIComponent(page.slug)}`,
    now,
    updatedAt: Math.max(0, ...stamps) || now,
    indicator,
    description:
      indicator === 'none' && allMaintenance ? 'Service Under Maintenance' : INDICATOR_TEXT[indicator],
    components,
    incidents,
    postmortems,
    maintenance,
  };
}

/** The page that lists a server, if any: only those servers are public (badges included). */
export function isPublicServer(view: MonitorView, server: string): boolean {
  const pages = view.config().statusPages;
  if (pages.some((p) => p.servers.includes(server))) return true;
  const sources = pages.flatMap((p) => (p.source ? [`source:${p.source}`] : []));
  if (sources.length === 0) return false;
  const tags = view.servers().find((s) => s.name === server)?.tags ?? [];
  return sources.some((t) => tags.includes(t));
}
