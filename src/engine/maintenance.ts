/**
 * Maintenance windows. While one covers the server:
 *
 * - the state is 'maintenance' and no incident opens, joins, raises, changes status or resolves:
 *   P1/P2 triggers are frozen as they were;
 * - an incident already open stays open (its timeline notes the window's start and end) and is
 *   judged again from the first round after the window; it can still be handled by hand;
 * - rounds are left out of error rates and the confirmation counts, and out of the SLO when the
 *   window says `excludeFromSlo`;
 * - of the P3 warnings only the time-driven facts are judged (certificate expiry, schema drift,
 *   the regional warning's quiet period).
 */
import type { Incident, MaintenanceWindow } from './types.js';
import type { ActiveMaintenance, EngineState } from './state.js';
import { iso } from './format.js';

export function maintenanceFor(
  windows: readonly MaintenanceWindow[] | undefined,
  server: string,
  at: number,
): ActiveMaintenance | null {
  const w = windows?.find(
    (m) => (m.servers === 'all' || m.servers.includes(server)) && m.start <= at && at < m.end,
  );
  if (!w) return null;
  return {
    id: w.id ?? null,
    title: w.title ?? null,
    start: w.start,
    end: w.end,
    excludeFromSlo: w.excludeFromSlo,
  };
}

function same(a: ActiveMaintenance | null, b: ActiveMaintenance | null): boolean {
  return a?.id === b?.id && a?.start === b?.start && a?.end === b?.end;
}

/** Moves `s` (a clone being built) into or out of maintenance; notes it on the open incident. */
export function enterOrLeave(s: EngineState, next: ActiveMaintenance | null, now: number): void {
  const prev = s.maintenance;
  if (same(prev, next)) return;
  s.maintenance = next;
  if (s.incident === null) return;
  let i: Incident = s.incident;
  if (prev)
    i = {
      ...i,
      timeline: [
        ...i.timeline,
        { at: now, kind: 'update', message: 'maintenance ended: judged again from the next probe' },
      ],
    };
  if (next) {
    const title = next.title ? ` (${next.title})` : '';
    const message = `maintenance started${title} until ${iso(next.end)}: alerts and status changes paused`;
    i = { ...i, timeline: [...i.timeline, { at: now, kind: 'update', message }] };
  }
  s.incident = i;
}
