/** How the engine's events read in the monitor's log: one info line each, with the facts as fields. */
import type { EngineEvent } from '../engine/types.js';
import type { Logger } from '../util/logger.js';

export function logEvents(log: Logger, server: string, events: readonly EngineEvent[]): void {
  for (const e of events)
    log.info(
      {
        server,
        event: e.type,
        ...('incident' in e
          ? { incident: e.incident.id, severity: e.incident.severity, status: e.incident.status }
          : { rule: e.warning.rule }),
      },
      describe(e),
    );
}

function describe(e: EngineEvent): string {
  switch (e.type) {
    case 'incident_opened':
      return `${e.incident.severity} incident opened`;
    case 'incident_severity_raised':
      return `incident raised to ${e.incident.severity}`;
    case 'incident_status_changed':
      return `incident is now ${e.incident.status}`;
    case 'incident_resolved':
      return 'incident resolved';
    case 'warning_raised':
      return `warning: ${e.warning.message}`;
    case 'warning_cleared':
      return `warning cleared: ${e.warning.rule}`;
  }
}
