/**
 * Several instances, one incident: only the instance holding a server's lease judges it, but any
 * instance can acknowledge, update or resolve its incident (the API, the dashboard, an ack link, the
 * CLI). Those changes are written to the store; the judging instance folds them into its own copy
 * before it plans escalations or writes the incident again, so an acknowledgement on one instance
 * stops escalation everywhere. The PostgreSQL store applies the same fold inside the write, under a
 * row lock, so a change another instance committed meanwhile is not written over.
 */
import type { Incident, TimelineEntry } from './types.js';

const entryKey = (e: TimelineEntry) => `${e.at}\u0000${e.kind}\u0000${e.message}`;

/** Kinds of timeline entry that carry a status another instance set by hand. */
const MANUAL = new Set<TimelineEntry['kind']>(['status', 'update', 'acknowledged', 'resolved']);

/**
 * `mine` (the judging instance's copy) with what `stored` has that it lacks: timeline entries, the
 * acknowledgement, and a status set by hand. Returns `mine` itself when there is nothing to add.
 */
export function mergeStoredIncident(mine: Incident, stored: Incident | null): Incident {
  if (!stored || stored.id !== mine.id) return mine;
  const have = new Set(mine.timeline.map(entryKey));
  const extra = stored.timeline.filter((e) => !have.has(entryKey(e)));
  const ackMissing = mine.acknowledgedAt === null && stored.acknowledgedAt !== null;
  if (extra.length === 0 && !ackMissing) return mine;
  const merged: Incident = {
    ...mine,
    timeline: [...mine.timeline, ...extra].sort((a, b) => a.at - b.at),
    acknowledgedAt: mine.acknowledgedAt ?? stored.acknowledgedAt,
    acknowledgedBy: mine.acknowledgedBy ?? stored.acknowledgedBy,
  };
  const identifiedAt = mine.identifiedAt ?? stored.identifiedAt;
  if (identifiedAt !== undefined) merged.identifiedAt = identifiedAt;
  if (mine.status !== 'resolved' && extra.some((e) => MANUAL.has(e.kind))) {
    merged.status = stored.status;
    if (stored.status === 'resolved') merged.resolvedAt = stored.resolvedAt;
  }
  return merged;
}
