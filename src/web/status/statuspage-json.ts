/**
 * Statuspage-compatible documents (/api/v2/summary.json, status.json, components.json,
 * incidents.json, scheduled-maintenances.json) in the shapes Statuspage documents, so that
 * aggregators and bots that read Statuspage pages read these too. Component ids are server names
 * (stable); the page id is the slug.
 */
import type { Incident } from '../../engine/types.js';
import { iso } from '../html/format.js';
import type { ComponentModel, MaintenanceModel, StatusModel } from './model.js';
import { impactOf, publicName, publicUpdates } from './updates.js';

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface SpComponent {
  id: string;
  name: string;
  status: ComponentModel['status'];
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
}

export interface SpIncidentUpdate {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: { code: string; name: string; old_status: string; new_status: string }[] | null;
  deliver_notifications: boolean;
  custom_tweet: string | null;
  tweet_id: string | null;
}

export interface SpIncident {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: string;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: SpIncidentUpdate[];
  components: SpComponent[];
  postmortem_body?: string | null;
  postmortem_published_at?: string | null;
  scheduled_for?: string | null;
  scheduled_until?: string | null;
}

export function spPage(m: StatusModel): SpPage {
  return {
    id: m.page.slug,
    name: m.page.title,
    url: m.url,
    time_zone: 'Etc/UTC',
    updated_at: iso(m.updatedAt),
  };
}

function spComponent(m: StatusModel, c: ComponentModel): SpComponent {
  const first = c.bars.find((b) => b.total > 0)?.day ?? null;
  return {
    id: c.server,
    name: c.server,
    status: c.status,
    created_at: iso(first ?? m.now),
    updated_at: iso(c.lastProbeAt ?? m.updatedAt),
    position: c.position,
    description: null,
    showcase: true,
    start_date: first === null ? null : iso(first).slice(0, 10),
    group_id: null,
    page_id: m.page.slug,
    group: false,
    only_show_if_degraded: false,
  };
}

function postmortemBody(m: StatusModel, i: Incident): string | null {
  const pm = m.postmortems.get(i.id);
  if (!pm) return null;
  return [
    `What happened: ${pm.whatHappened}`,
    `Why: ${pm.why}`,
    `Why we did not catch it sooner: ${pm.whyNotSooner}`,
    `What we change: ${pm.whatWeChange}`,
    `When we verify: ${pm.whenWeVerify}`,
  ].join('\n\n');
}

export function spIncident(m: StatusModel, i: Incident): SpIncident {
  const updates = publicUpdates(i);
  const component = m.components.find((c) => c.server === i.server);
  const monitoring = updates.find((u) => u.status === 'monitoring');
  const last = updates[updates.length - 1];
  const pm = m.postmortems.get(i.id);
  return {
    id: i.id,
    name: publicName(i),
    status: i.status,
    created_at: iso(i.openedAt),
    updated_at: iso(last?.at ?? i.openedAt),
    monitoring_at: monitoring ? iso(monitoring.at) : null,
    resolved_at: i.resolvedAt === null ? null : iso(i.resolvedAt),
    impact: impactOf(i),
    shortlink: `${m.url}#incident-${encodeURIComponent(i.id)}`,
    started_at: iso(i.firstFailureAt ?? i.openedAt),
    page_id: m.page.slug,
    incident_updates: updates
      .slice()
      .reverse()
      .map((u) => ({
        id: u.id,
        status: u.status,
        body: u.body,
        incident_id: i.id,
        created_at: iso(u.at),
        updated_at: iso(u.at),
        display_at: iso(u.at),
        affected_components: null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      })),
    components: component ? [spComponent(m, component)] : [],
    postmortem_body: postmortemBody(m, i),
    postmortem_published_at: pm?.publishedAt ? iso(pm.publishedAt) : null,
  };
}

function spMaintenance(m: StatusModel, w: MaintenanceModel): SpIncident {
  const status = w.phase;
  const servers = w.servers === 'all' ? m.components.map((c) => c.server) : w.servers;
  const body =
    w.phase === 'scheduled'
      ? 'Maintenance is scheduled.'
      : w.phase === 'in_progress'
        ? 'Maintenance is in progress.'
        : 'Maintenance has completed.';
  return {
    id: w.id,
    name: w.title ?? 'Scheduled maintenance',
    status,
    created_at: iso(w.start),
    updated_at: iso(Math.min(m.now, w.end)),
    monitoring_at: null,
    resolved_at: w.phase === 'completed' ? iso(w.end) : null,
    impact: 'maintenance',
    shortlink: `${m.url}#maintenance-${encodeURIComponent(w.id)}`,
    started_at: iso(w.start),
    page_id: m.page.slug,
    incident_updates: [
      {
        id: `${w.id}-0`,
        status,
        body,
        incident_id: w.id,
        created_at: iso(w.start),
        updated_at: iso(w.start),
        display_at: iso(w.start),
        affected_components: null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      },
    ],
    components: m.components.filter((c) => servers.includes(c.server)).map((c) => spComponent(m, c)),
    scheduled_for: iso(w.start),
    scheduled_until: iso(w.end),
  };
}

export function statusJson(m: StatusModel): {
  page: SpPage;
  status: { indicator: string; description: string };
} {
  return { page: spPage(m), status: { indicator: m.indicator, description: m.description } };
}

export function componentsJson(m: StatusModel): { page: SpPage; components: SpComponent[] } {
  return { page: spPage(m), components: m.components.map((c) => spComponent(m, c)) };
}

export function incidentsJson(m: StatusModel): { page: SpPage; incidents: SpIncident[] } {
  return { page: spPage(m), incidents: m.incidents.map((i) => spIncident(m, i)) };
}

export function maintenancesJson(m: StatusModel): { page: SpPage; scheduled_maintenances: SpIncident[] } {
  return { page: spPage(m), scheduled_maintenances: m.maintenance.map((w) => spMaintenance(m, w)) };
}

export function summaryJson(m: StatusModel): {
  page: SpPage;
  components: SpComponent[];
  incidents: SpIncident[];
  scheduled_maintenances: SpIncident[];
  status: { indicator: string; description: string };
} {
  return {
    page: spPage(m),
    components: m.components.map((c) => spComponent(m, c)),
    incidents: m.incidents.filter((i) => i.status !== 'resolved').map((i) => spIncident(m, i)),
    scheduled_maintenances: m.maintenance
      .filter((w) => w.phase !== 'completed')
      .map((w) => spMaintenance(m, w)),
    status: { indicator: m.indicator, description: m.description },
  };
}
