/**
 * The public face of an incident: a name and a list of updates (investigating → identified →
 * monitoring → resolved) derived from its timeline by the conventions in monitor-view.ts. Only
 * human-written `update` messages are shown as written; everything the engine wrote (probe messages
 * with hosts, addresses, rule names) becomes a standard sentence.
 */
import type { Incident, IncidentStatus } from '../../engine/types.js';

export interface PublicUpdate {
  /** Stable within the incident: `<incident id>-<index in timeline>`. */
  id: string;
  at: number;
  status: IncidentStatus;
  body: string;
}

const STATUS = '(investigating|identified|monitoring|resolved)';

/** The status a `status` entry moved to: "identified → monitoring: why", "… to monitoring", else the last status word. */
export function statusIn(message: string): IncidentStatus | null {
  const text = message.toLowerCase();
  const arrow =
    new RegExp(`(?:→|->)\\s*${STATUS}\\b`).exec(text) ?? new RegExp(`\\bto ${STATUS}\\b`).exec(text);
  if (arrow) return arrow[1] as IncidentStatus;
  const all = [...text.matchAll(new RegExp(`\\b${STATUS}\\b`, 'g'))];
  return (all[all.length - 1]?.[1] as IncidentStatus | undefined) ?? null;
}

export function publicName(i: Incident): string {
  return i.severity === 'P1' ? `${i.server} unavailable` : `Degraded performance of ${i.server}`;
}

/** Statuspage impact: P1 is critical; a P2 from failures is major, one from latency or drift is minor. */
export function impactOf(i: Incident): 'critical' | 'major' | 'minor' {
  if (i.severity === 'P1') return 'critical';
  return i.layer !== null ? 'major' : 'minor';
}

const GENERIC: Record<IncidentStatus, (server: string) => string> = {
  investigating: (s) => `We are investigating failures of ${s}.`,
  identified: () => 'The cause has been identified and a fix is under way.',
  monitoring: () => 'A fix has been applied; we are monitoring the results.',
  resolved: () => 'This incident has been resolved.',
};

/**
 * Oldest first. Entries with the same `at` are one public update (a manual update writes its message
 * and its status change at the same instant, in either order): its status is where the group left
 * the incident, its body the human messages, or a standard sentence when there are none.
 */
export function publicUpdates(i: Incident): PublicUpdate[] {
  const out: PublicUpdate[] = [];
  let status: IncidentStatus = 'investigating';
  let k = 0;
  while (k < i.timeline.length) {
    const at = i.timeline[k]!.at;
    const first = k;
    const messages: string[] = [];
    let changed = false;
    for (; k < i.timeline.length && i.timeline[k]!.at === at; k++) {
      const e = i.timeline[k]!;
      if (e.kind === 'opened') {
        status = 'investigating';
        changed = true;
      } else if (e.kind === 'status') {
        const next = statusIn(e.message);
        if (next && next !== status) {
          status = next;
          changed = true;
        }
      } else if (e.kind === 'resolved') {
        changed = status !== 'resolved';
        status = 'resolved';
      } else if (e.kind === 'update') messages.push(e.message);
    }
    if (!changed && messages.length === 0) continue;
    out.push({
      id: `${i.id}-${first}`,
      at,
      status,
      body: messages.length ? messages.join('\n') : GENERIC[status](i.server),
    });
  }
  if (out.length === 0)
    out.push({
      id: `${i.id}-0`,
      at: i.openedAt,
      status: 'investigating',
      body: GENERIC.investigating(i.server),
    });
  if (i.status === 'resolved' && out[out.length - 1]!.status !== 'resolved') {
    out.push({
      id: `${i.id}-end`,
      at: i.resolvedAt ?? i.openedAt,
      status: 'resolved',
      body: GENERIC.resolved(i.server),
    });
  }
  return out;
}
