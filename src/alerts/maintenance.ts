/**
 * Maintenance windows as alerting reads them: a window covering a server mutes its triggers and
 * escalations; what was muted goes out when the window ends if the incident is still open.
 */
import type { Config } from '../config/types.js';
import type { Incident, MaintenanceWindow } from '../engine/types.js';

function covers(w: MaintenanceWindow, server: string): boolean {
  return w.servers === 'all' || w.servers.includes(server);
}

/** The maintenance window covering the server at `at`, if any. */
export function maintenanceAt(config: Config, server: string, at: number): MaintenanceWindow | null {
  return config.maintenance.find((w) => covers(w, server) && w.start <= at && at < w.end) ?? null;
}

export function isMuted(config: Config, server: string, at: number): boolean {
  return maintenanceAt(config, server, at) !== null;
}

/** The first instant at or after `at` that no window covers (windows may touch or overlap). */
export function unmutedFrom(config: Config, server: string, at: number): number {
  let t = at;
  for (let w = maintenanceAt(config, server, t); w !== null; w = maintenanceAt(config, server, t)) t = w.end;
  return t;
}

/** True when the incident lived (so far, until `now`) entirely inside maintenance. */
export function mutedThroughout(config: Config, incident: Incident, now: number): boolean {
  const end = incident.resolvedAt ?? now;
  return unmutedFrom(config, incident.server, incident.openedAt) > end;
}
