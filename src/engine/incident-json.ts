/** The `incidents --json` shape of DESIGN.md (the CLI, the MCP face); times are ISO 8601 strings. */
import { isoOrNull as iso } from '../util/iso.js';
import type { Incident } from './types.js';

export function incidentJson(i: Incident) {
  return {
    id: i.id,
    server: i.server,
    severity: i.severity,
    status: i.status,
    trigger: i.trigger,
    layer: i.layer,
    code: i.code,
    openedAt: iso(i.openedAt),
    acknowledgedAt: iso(i.acknowledgedAt),
    resolvedAt: iso(i.resolvedAt),
    firstFailureAt: iso(i.firstFailureAt),
    acknowledgedBy: i.acknowledgedBy,
    failedProbes: i.failedProbes,
    timeline: i.timeline.map((e) => ({ at: iso(e.at), kind: e.kind, message: e.message })),
  };
}
