/**
 * Planning the outbox, pure: engine events, open incidents and acknowledgements become outbox
 * messages with deterministic idempotency keys. The caller writes them with Store.writeJudgement in
 * the same transaction as the incident change; the store ignores a key it already holds, so planning
 * the same thing twice (a restart, a repeated tick) never sends twice.
 *
 * Keys: `<incident>:trigger:<P1|P2>:<channel>`, `<incident>:escalate:<P1|P2>:<channel>`,
 * `<incident>:acknowledge:<channel>`, `<incident>:resolve:<channel>`, `digest:<ISO time>:<channel>`.
 */
import type { Config } from '../config/types.js';
import type { EngineEvent, Incident, TimelineEntry } from '../engine/types.js';
import type { OutboxMessage } from '../store/store.js';
import type { Notification } from './channel.js';
import { escalationsDue } from './escalation.js';
import { incidentNotification, type NotificationOptions } from './notification.js';
import { isMuted, mutedThroughout } from './maintenance.js';
import { notifiedChannels, routeChannels } from './router.js';

export type PlanOptions = NotificationOptions;

export function outboxKey(n: Notification, channel: string): string {
  switch (n.kind) {
    case 'trigger':
      return `${n.incidentId}:trigger:${n.severity}:${channel}`;
    case 'escalate':
      return `${n.incidentId}:escalate:${n.escalation?.level ?? n.severity}:${channel}`;
    case 'acknowledge':
    case 'resolve':
      return `${n.incidentId}:${n.kind}:${channel}`;
    case 'digest':
      return `digest:${new Date(n.digest?.to ?? n.createdAt).toISOString()}:${channel}`;
    case 'test':
      return `test:${n.createdAt}:${channel}`;
  }
}

export function toOutboxMessage(n: Notification, channel: string): OutboxMessage {
  return {
    key: outboxKey(n, channel),
    channel,
    incidentId: n.incidentId,
    payload: n,
    createdAt: n.createdAt,
    notBefore: n.createdAt,
    attempts: 0,
    status: 'pending',
    lastError: null,
  };
}

function fanOut(n: Notification, channels: readonly string[]): OutboxMessage[] {
  return channels.map((c) => toOutboxMessage(n, c));
}

function planEvent(e: EngineEvent, config: Config, now: number, opts: PlanOptions): OutboxMessage[] {
  switch (e.type) {
    case 'incident_opened': {
      const i = e.incident;
      if (isMuted(config, i.server, now)) return [];
      return fanOut(
        incidentNotification('trigger', i, config, now, opts),
        routeChannels(config, i.server, i.severity),
      );
    }
    case 'incident_severity_raised': {
      const i = e.incident;
      if (isMuted(config, i.server, now)) return [];
      const n = incidentNotification('trigger', i, config, now, opts, {
        raisedFrom: e.from === 'P2' ? 'P2' : undefined,
      });
      return fanOut(n, routeChannels(config, i.server, i.severity));
    }
    case 'incident_resolved': {
      const i = e.incident;
      if (mutedThroughout(config, i, now)) return [];
      return fanOut(
        incidentNotification('resolve', i, config, now, opts),
        notifiedChannels(config, i, i.resolvedAt ?? now),
      );
    }
    case 'incident_status_changed':
    case 'warning_raised':
    case 'warning_cleared':
      // Status changes go to the status page; P3 warnings go to the digest, never one by one.
      return [];
  }
}

/** The messages one evaluation tick's events call for. */
export function planNotifications(
  events: readonly EngineEvent[],
  config: Config,
  now: number,
  opts: PlanOptions = {},
): OutboxMessage[] {
  return events.flatMap((e) => planEvent(e, config, now, opts));
}

/**
 * Time-driven messages for open incidents, to call on every tick: escalations whose deadline passed,
 * and the trigger of an incident that opened inside a maintenance window which has since ended.
 * Returns the same keys on every call (the store keeps the first), so each goes out once.
 */
export function planDue(
  incidents: readonly Incident[],
  config: Config,
  now: number,
  opts: PlanOptions = {},
): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  for (const i of incidents) {
    if (i.resolvedAt !== null || isMuted(config, i.server, now)) continue;
    if (isMuted(config, i.server, i.openedAt)) {
      out.push(
        ...fanOut(
          incidentNotification('trigger', i, config, now, opts),
          routeChannels(config, i.server, i.severity),
        ),
      );
    }
    for (const e of escalationsDue(i, config, now)) {
      const n = incidentNotification('escalate', i, config, now, opts, {
        escalation: { level: e.level, afterMs: e.afterMs },
      });
      out.push(
        ...fanOut(
          n,
          e.to.filter((c) => config.channels.some((x) => x.name === c)),
        ),
      );
    }
  }
  return out;
}

/** Tells everyone who heard the trigger that the incident was acknowledged (incident.acknowledgedAt set). */
export function planAcknowledgement(
  incident: Incident,
  config: Config,
  now: number,
  opts: PlanOptions = {},
): OutboxMessage[] {
  if (incident.acknowledgedAt === null || mutedThroughout(config, incident, now)) return [];
  const n = incidentNotification('acknowledge', incident, config, now, opts);
  return fanOut(n, notifiedChannels(config, incident, incident.acknowledgedAt));
}

/**
 * Timeline entries for planned messages (one per incident and notification), for the caller to add
 * to the incidents it writes: "notification" for triggers, acknowledgements and resolves, "escalated"
 * for escalations.
 */
export function notificationTimeline(
  messages: readonly OutboxMessage[],
): { incidentId: string; entry: TimelineEntry }[] {
  const groups = new Map<string, { incidentId: string; n: Notification; channels: string[] }>();
  for (const m of messages) {
    const n = m.payload as Notification;
    if (m.incidentId === null) continue;
    const id = `${m.incidentId}\u0000${m.key.slice(0, m.key.length - m.channel.length)}`;
    const g = groups.get(id) ?? { incidentId: m.incidentId, n, channels: [] };
    g.channels.push(m.channel);
    groups.set(id, g);
  }
  return [...groups.values()].map(({ incidentId, n, channels }) => ({
    incidentId,
    entry: {
      at: n.createdAt,
      kind: n.kind === 'escalate' ? 'escalated' : 'notification',
      message:
        n.kind === 'escalate'
          ? `${n.severity} not acknowledged within ${Math.round((n.escalation?.afterMs ?? 0) / 60_000)} min: escalated to ${channels.join(', ')}`
          : `${n.kind === 'trigger' ? `${n.severity} alert` : n.kind === 'acknowledge' ? 'Acknowledgement' : 'Resolve notice'} queued for ${channels.join(', ')}`,
    },
  }));
}
