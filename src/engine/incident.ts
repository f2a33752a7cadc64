/**
 * Incident values and every change they go through, each leaving a timeline entry with its exact
 * time. All functions return a new Incident; the one given is never changed.
 *
 * Status: investigating → identified (acknowledged, or an `identified` update) → monitoring (good
 * probes resumed) → resolved. A failure during monitoring goes back to identified if someone had
 * identified the cause, else to investigating.
 */
import type { ErrorCode, LayerName } from '../probe/types.js';
import type {
  EngineEvent,
  Incident,
  IncidentSeverity,
  IncidentStatus,
  RuleId,
  TimelineEntry,
} from './types.js';

export interface IncidentChange {
  incident: Incident;
  events: EngineEvent[];
}

function append(i: Incident, entry: TimelineEntry, patch: Partial<Incident> = {}): Incident {
  return { ...i, ...patch, timeline: [...i.timeline, entry] };
}

export function newIncident(o: {
  server: string;
  at: number;
  severity: IncidentSeverity;
  trigger: RuleId;
  activeTriggers: RuleId[];
  failure: { layer: LayerName; code: ErrorCode } | null;
  firstFailureAt: number | null;
  failedProbes: number;
  lastGoodAt: number | null;
  message: string;
}): Incident {
  return {
    id: `${o.server}-${o.at}`,
    server: o.server,
    severity: o.severity,
    status: 'investigating',
    trigger: o.trigger,
    activeTriggers: o.activeTriggers,
    layer: o.failure?.layer ?? null,
    code: o.failure?.code ?? null,
    openedAt: o.at,
    firstFailureAt: o.firstFailureAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    identifiedAt: null,
    resolvedAt: null,
    failedProbes: o.failedProbes,
    lastGoodAt: o.lastGoodAt,
    timeline: [{ at: o.at, kind: 'opened', message: `${o.severity} ${o.trigger}: ${o.message}` }],
  };
}

export function joinTrigger(i: Incident, rule: RuleId, at: number, message: string): Incident {
  return append(i, { at, kind: 'trigger', message: `${rule}: ${message}` });
}

export function clearTrigger(i: Incident, rule: RuleId, at: number): Incident {
  return append(i, { at, kind: 'trigger_cleared', message: `${rule} no longer holds` });
}

export function raiseToP1(i: Incident, at: number, rule: RuleId): Incident {
  return append(i, { at, kind: 'severity_raised', message: `P2 → P1 (${rule})` }, { severity: 'P1' });
}

export function changeStatus(i: Incident, to: IncidentStatus, at: number, why: string): Incident {
  const patch: Partial<Incident> = { status: to };
  if (to === 'identified' && (i.identifiedAt ?? null) === null) patch.identifiedAt = at;
  return append(i, { at, kind: 'status', message: `${i.status} → ${to}: ${why}` }, patch);
}

/** When the incident last left monitoring for an earlier status (a failure, or a manual update). */
export function lastRelapseAt(i: Incident): number | null {
  for (let k = i.timeline.length - 1; k >= 0; k--) {
    const e = i.timeline[k]!;
    if (
      e.kind === 'status' &&
      e.message.startsWith('monitoring → ') &&
      !e.message.startsWith('monitoring → resolved')
    )
      return e.at;
  }
  return null;
}

/** Where a failure during monitoring sends the incident back to. */
export function relapseStatus(i: Incident): IncidentStatus {
  return (i.identifiedAt ?? null) !== null ? 'identified' : 'investigating';
}

export function resolve(i: Incident, at: number, why: string): Incident {
  return append(i, { at, kind: 'resolved', message: why }, { status: 'resolved', resolvedAt: at });
}

function statusEvent(before: Incident, after: Incident): EngineEvent[] {
  return before.status === after.status
    ? []
    : [{ type: 'incident_status_changed', incident: after, from: before.status }];
}

/** Someone took it: investigating becomes identified. Acknowledging twice changes nothing. */
export function acknowledge(incident: Incident, by: string, now: number): IncidentChange {
  if (incident.acknowledgedAt !== null || incident.status === 'resolved') return { incident, events: [] };
  let next = append(
    incident,
    { at: now, kind: 'acknowledged', message: `acknowledged by ${by}` },
    {
      acknowledgedAt: now,
      acknowledgedBy: by,
    },
  );
  if (next.status === 'investigating') next = changeStatus(next, 'identified', now, `acknowledged by ${by}`);
  return { incident: next, events: statusEvent(incident, next) };
}

/**
 * A manual update: a message, and a status if it differs. `resolved` resolves. A resolved incident
 * only takes the message (e.g. a note after the fact).
 */
export function postUpdate(
  incident: Incident,
  status: IncidentStatus,
  message: string,
  now: number,
): IncidentChange {
  let next = append(incident, { at: now, kind: 'update', message });
  if (incident.status === 'resolved' || status === incident.status) return { incident: next, events: [] };
  if (status === 'resolved') {
    next = resolve(next, now, 'resolved by a manual update');
    return { incident: next, events: [{ type: 'incident_resolved', incident: next }] };
  }
  next = changeStatus(next, status, now, 'manual update');
  return { incident: next, events: statusEvent(incident, next) };
}

/** Resolves an incident because its server stopped being monitored (removed through the API). */
export function resolveRemoved(incident: Incident, by: string, now: number): IncidentChange {
  if (incident.status === 'resolved') return { incident, events: [] };
  const next = resolve(
    incident,
    now,
    `resolved because the server "${incident.server}" was removed from monitoring (by ${by}); its history is kept`,
  );
  return { incident: next, events: [{ type: 'incident_resolved', incident: next }] };
}

export function resolveManually(incident: Incident, by: string, now: number): IncidentChange {
  if (incident.status === 'resolved') return { incident, events: [] };
  const next = resolve(incident, now, `resolved manually by ${by}`);
  return { incident: next, events: [{ type: 'incident_resolved', incident: next }] };
}
