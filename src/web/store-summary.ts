/**
 * A ServerSummary computed from the store alone (rollups, latest result, open incident, warnings).
 * The engine knows better (hysteresis, flapping, regions) and serve should prefer its numbers; this
 * is the fallback for tools without a running engine (tests, screenshots, `--demo`), and shows how
 * each field is meant. Several queries per server: not for 1,000 servers per request.
 */
import type { ServerConfig } from '../config/types.js';
import { WINDOWS, type MaintenanceWindow, type ServerState, type WindowName } from '../engine/types.js';
import { LAYERS, type LayerName } from '../probe/types.js';
import type { Store } from '../store/store.js';
import { BURN_WINDOWS, type BurnWindow, type ServerSummary, type SloSummary } from '../monitor/monitor-view.js';
import { parseWindow, windowStats, type WindowStats } from './stats.js';

function slo(
  server: ServerConfig,
  windowStat: WindowStats,
  burns: Map<string, WindowStats>,
  now: number,
): SloSummary {
  const { target, windowMs, minSamples } = server.rules.slo;
  const budget = 1 - target / 100;
  const consumed = budget > 0 ? (windowStat.errorRate ?? 0) / budget : 0;
  const burnRates = {} as Record<BurnWindow, number | null>;
  for (const w of BURN_WINDOWS) {
    const s = burns.get(w);
    burnRates[w] =
      s && s.total >= minSamples && s.errorRate !== null && budget > 0 ? s.errorRate / budget : null;
  }
  const remainingBudget = 1 - consumed;
  const hourly = burnRates['1h'];
  const projectedExhaustionAt =
    hourly && hourly > 0 && remainingBudget > 0
      ? Math.round(now + (remainingBudget * windowMs) / hourly)
      : null;
  return { target, windowMs, budget, consumed, remainingBudget, burnRates, projectedExhaustionAt };
}

export async function summarizeFromStore(
  store: Store,
  server: ServerConfig,
  now: number,
  maintenance: readonly MaintenanceWindow[] = [],
): Promise<ServerSummary> {
  const name = server.name;
  const sloWindow = { name: 'slo', ms: server.rules.slo.windowMs };
  const specs = [
    ...WINDOWS.map((w) => parseWindow(w)!),
    ...BURN_WINDOWS.map((w) => ({ name: `burn:${w}`, ms: parseWindow(w)!.ms })),
    sloWindow,
  ];
  const [stats, latest, open, warnings] = await Promise.all([
    windowStats(store, name, specs, now),
    store.listResults({ server: name, limit: 1 }),
    store.listIncidents({ server: name, open: true, limit: 1 }),
    store.listWarnings({ server: name, active: true, limit: 1000 }),
  ]);
  const byName = new Map(stats.map((s) => [s.window, s]));
  const burns = new Map(BURN_WINDOWS.map((w) => [w, byName.get(`burn:${w}`)!]));
  const errorRate = {} as Record<WindowName, number | null>;
  const errorRateByLayer = {} as Record<WindowName, Record<LayerName, number | null>>;
  for (const w of WINDOWS) {
    errorRate[w] = byName.get(w)!.errorRate;
    errorRateByLayer[w] = byName.get(w)!.errorRateByLayer;
  }
  const last = latest[0];
  const incident = open[0];
  const inMaintenance = maintenance.some(
    (m) => (m.servers === 'all' || m.servers.includes(name)) && m.start <= now && now < m.end,
  );
  const state: ServerState = inMaintenance
    ? 'maintenance'
    : incident
      ? incident.severity === 'P1'
        ? 'down'
        : 'degraded'
      : !last
        ? 'unknown'
        : last.ok
          ? 'up'
          : 'degraded';
  const failure =
    incident?.layer && incident.code
      ? { layer: incident.layer, code: incident.code }
      : last?.result.failure
        ? { layer: last.result.failure.layer, code: last.result.failure.code }
        : null;
  const hour = byName.get('1h')!;
  const latencyMs = { total: hour.latencyMs.total } as ServerSummary['latencyMs'];
  for (const l of LAYERS) latencyMs[l] = hour.latencyMs[l];
  return {
    server: name,
    state,
    failure: state === 'up' ? null : failure,
    since: incident ? (incident.firstFailureAt ?? incident.openedAt) : null,
    paused: server.paused,
    errorRate,
    errorRateByLayer,
    p95Ms: { '1h': hour.latencyMs.total.p95, '7d': byName.get('7d')!.latencyMs.total.p95 },
    latencyMs,
    slo: slo(server, byName.get('slo')!, burns, now),
    openIncidentId: incident?.id ?? null,
    activeWarnings: warnings.length,
    tlsDaysRemaining: last?.result.tls?.daysRemaining ?? null,
    lastProbe: last
      ? {
          at: last.at,
          region: last.region,
          ok: last.ok,
          durationMs: last.result.durationMs,
          failure: last.result.failure,
        }
      : null,
  };
}
