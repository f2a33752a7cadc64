/**
 * Escalation, pure and time-as-argument: a P1 not acknowledged within escalation.P1.afterMs (5 min
 * by default) goes to escalation.P1.to (the backup); a P2 not acknowledged within
 * escalation.P2.afterMs (30 min) goes to escalation.P2.to (the paging channels).
 *
 * The clock of a level starts when its trigger could go out: when the incident reached the level,
 * or when the maintenance window covering that moment ended.
 *
 * Each level escalates at most once per incident: an escalation is a fact derived from the incident
 * (when it reached the level, when it was acknowledged or resolved), so asking again later yields
 * the same escalation with the same outbox key, never a second one.
 */
import type { Config } from '../config/types.js';
import type { Incident, IncidentSeverity, IncidentStatus } from '../engine/types.js';
import { unmutedFrom } from './maintenance.js';

export interface Escalation {
  level: IncidentSeverity;
  /** When the acknowledgement deadline passed. */
  dueAt: number;
  afterMs: number;
  to: string[];
}

/** Did the incident start as P2 and get raised to P1? Returns when, or null. */
export function raisedAt(incident: Incident): number | null {
  if (incident.severity !== 'P1') return null;
  const entry = incident.timeline.find((e) => e.kind === 'severity_raised');
  return entry ? entry.at : null;
}

/** The incident's status at a moment, read from its timeline's status entries ("from → to: why"). */
export function statusAt(incident: Incident, at: number): IncidentStatus {
  let status: IncidentStatus = 'investigating';
  for (const e of incident.timeline) {
    if (e.at > at) break;
    if (e.kind === 'resolved') status = 'resolved';
    const to =
      e.kind === 'status'
        ? /→ (investigating|identified|monitoring|resolved)\b/.exec(e.message)?.[1]
        : undefined;
    if (to) status = to as IncidentStatus;
  }
  return status;
}

/** The severity the incident opened with. */
export function openingSeverity(incident: Incident): IncidentSeverity {
  return raisedAt(incident) === null ? incident.severity : 'P2';
}

/**
 * The escalations that had come due by `at`: the deadline passed while the incident was still open,
 * unacknowledged, and at that level. Ordered by due time.
 */
export function escalationsDue(incident: Incident, config: Config, at: number): Escalation[] {
  const out: Escalation[] = [];
  const stoppedAt = Math.min(incident.acknowledgedAt ?? Infinity, incident.resolvedAt ?? Infinity);
  // A recovering incident (good probes again: `monitoring`) wakes nobody else up.
  const passed = (dueAt: number): boolean =>
    dueAt <= at && dueAt < stoppedAt && statusAt(incident, dueAt) !== 'monitoring';
  const raised = raisedAt(incident);
  const { P1, P2 } = config.escalation;
  if (openingSeverity(incident) === 'P2' && P2.to.length > 0) {
    const dueAt = unmutedFrom(config, incident.server, incident.openedAt) + P2.afterMs;
    // A P2 raised to P1 before its deadline escalates as a P1 instead.
    if (passed(dueAt) && (raised === null || dueAt < raised)) {
      out.push({ level: 'P2', dueAt, afterMs: P2.afterMs, to: [...P2.to] });
    }
  }
  if (incident.severity === 'P1' && P1.to.length > 0) {
    const dueAt = unmutedFrom(config, incident.server, raised ?? incident.openedAt) + P1.afterMs;
    if (passed(dueAt)) out.push({ level: 'P1', dueAt, afterMs: P1.afterMs, to: [...P1.to] });
  }
  return out.sort((a, b) => a.dueAt - b.dueAt);
}

/** When the next escalation of an open incident comes due, or null (for a wake-up timer). */
export function nextEscalationAt(incident: Incident, config: Config, now: number): number | null {
  if (incident.acknowledgedAt !== null || incident.resolvedAt !== null) return null;
  const due = escalationsDue(incident, config, Infinity)
    .map((e) => e.dueAt)
    .filter((t) => t > now);
  return due.length ? Math.min(...due) : null;
}
