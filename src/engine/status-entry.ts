/** The `status --json` entry of DESIGN.md (the CLI, the MCP face): a summary's stable fields, times as ISO 8601. */
import { isoOrNull as iso } from '../util/iso.js';
import type { ServerSummary } from './types.js';

export interface StatusEntry {
  server: string;
  state: ServerSummary['state'];
  failure: ServerSummary['failure'];
  errorRate: Pick<ServerSummary['errorRate'], '5m' | '15m' | '1h' | '24h' | '30d'> & { '7d': number | null };
  p95Ms: ServerSummary['p95Ms'];
  slo: {
    target: number;
    remainingBudget: number;
    burnRates: ServerSummary['slo']['burnRates'];
    projectedExhaustionAt: string | null;
  };
  openIncident: string | null;
  lastProbeAt: string | null;
}

export type StatusFields = Pick<
  ServerSummary,
  'server' | 'state' | 'failure' | 'errorRate' | 'p95Ms' | 'slo' | 'openIncidentId' | 'lastProbeAt'
>;

export function statusEntry(s: StatusFields): StatusEntry {
  return {
    server: s.server,
    state: s.state,
    failure: s.failure,
    errorRate: s.errorRate,
    p95Ms: s.p95Ms,
    slo: {
      target: s.slo.target,
      remainingBudget: s.slo.remainingBudget,
      burnRates: s.slo.burnRates,
      projectedExhaustionAt: iso(s.slo.projectedExhaustionAt),
    },
    openIncident: s.openIncidentId,
    lastProbeAt: iso(s.lastProbeAt),
  };
}
