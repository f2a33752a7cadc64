/**
 * The digest: P3 warnings of the period (and reminders of postmortems not yet written), one message
 * per digest channel at each scheduled time. Pure: the caller passes the warnings and incidents it
 * read from the store, and calls this on every tick; the key is the scheduled time, so each digest
 * is planned once.
 */
import type { Config } from '../config/types.js';
import type { Incident, Warning } from '../engine/types.js';
import type { OutboxMessage } from '../store/store.js';
import type { DigestContent, Notification } from './channel.js';
import { previousDigestAt } from './digest-schedule.js';
import { dashboardLink } from './links.js';
import { toOutboxMessage } from './outbox.js';
import { digestChannels } from './router.js';

export interface DigestOptions {
  /** How late a digest may still go out after its scheduled time (default 24 h). */
  graceMs?: number;
  /** Send a digest even when there is nothing to report (default false). */
  sendEmpty?: boolean;
}

/** What one digest holds for the given servers over [from, to). */
export function digestContent(
  warnings: readonly Warning[],
  incidents: readonly Incident[],
  servers: ReadonlySet<string>,
  from: number,
  to: number,
): DigestContent {
  const ws = warnings
    .filter((w) => servers.has(w.server) && w.openedAt < to && (w.clearedAt === null || w.clearedAt >= from))
    .sort((a, b) => a.server.localeCompare(b.server) || a.openedAt - b.openedAt)
    .map((w) => ({
      server: w.server,
      rule: w.rule,
      message: w.message,
      openedAt: w.openedAt,
      clearedAt: w.clearedAt,
    }));
  const postmortems = incidents
    .filter(
      (i) =>
        servers.has(i.server) &&
        i.resolvedAt !== null &&
        i.resolvedAt < to &&
        i.resolvedAt >= from &&
        !i.timeline.some((e) => e.kind === 'postmortem'),
    )
    .sort((a, b) => (a.resolvedAt ?? 0) - (b.resolvedAt ?? 0))
    .map((i) => ({
      incidentId: i.id,
      server: i.server,
      severity: i.severity,
      resolvedAt: i.resolvedAt ?? 0,
    }));
  return { from, to, warnings: ws, postmortems };
}

export function digestNotification(config: Config, content: DigestContent, now: number): Notification {
  return {
    kind: 'digest',
    severity: 'P3',
    server: null,
    incidentId: null,
    failure: null,
    consecutiveFailures: null,
    since: null,
    openedAt: null,
    lastGoodAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    escalation: null,
    raisedFrom: null,
    links: { statusPage: null, acknowledge: null, dashboard: dashboardLink(config, null) },
    digest: content,
    createdAt: now,
  };
}

/** The digest messages due at `now` (the latest scheduled time, if within the grace period). */
export function planDigest(
  data: { warnings: readonly Warning[]; incidents: readonly Incident[] },
  config: Config,
  now: number,
  opts: DigestOptions = {},
): OutboxMessage[] {
  const zone = config.digest.timezone;
  const schedule = config.digest.schedule;
  const to = previousDigestAt(schedule, now, zone);
  if (now - to > (opts.graceMs ?? 86_400_000)) return [];
  const from = previousDigestAt(schedule, to - 1, zone);

  const serversOf = new Map<string, Set<string>>();
  for (const s of config.servers) {
    for (const c of digestChannels(config, s.name))
      serversOf.set(c, (serversOf.get(c) ?? new Set()).add(s.name));
  }
  const out: OutboxMessage[] = [];
  for (const [channel, servers] of serversOf) {
    const content = digestContent(data.warnings, data.incidents, servers, from, to);
    if (!opts.sendEmpty && content.warnings.length === 0 && content.postmortems.length === 0) continue;
    out.push(toOutboxMessage(digestNotification(config, content, now), channel));
  }
  return out;
}
