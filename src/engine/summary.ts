/**
 * One server as the CLI, the API and the status pages show it (the shape of `status --json`).
 *
 * State: `maintenance` inside a window; `unknown` before the first round or when the last is older
 * than TUNING.staleIntervals intervals; `down` when the last round failed and either a P1 is open or
 * the failures are confirmed; `degraded` while any other incident is open; else `up`. A lone
 * unconfirmed failure leaves the server `up` (with `failure` set): it may be jitter.
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import { WINDOWS, type ServerState, type ServerSummary, type WindowName } from './types.js';
import type { EngineState } from './state.js';
import { TUNING } from './tuning.js';
import { errorRate } from './tally.js';
import { tallyWindow } from './windows.js';
import { lastHourP95, lastHourPercentiles, sevenDayP95 } from './latency.js';
import { sloSummary } from './slo.js';

export function summarize(state: EngineState, now: number): ServerSummary {
  const m = state.memory;
  const errorRates = {} as Record<WindowName, number | null>;
  const byLayer = Object.fromEntries(LAYERS.map((l) => [l, {}])) as Record<
    LayerName,
    Record<WindowName, number | null>
  >;
  for (const w of WINDOWS) {
    const t = tallyWindow(state, w, now);
    errorRates[w] = errorRate(t);
    LAYERS.forEach((l, i) => (byLayer[l][w] = errorRate(t, i)));
  }
  const maintenance = inMaintenance(state, now) ? state.maintenance : null;
  return {
    server: state.rules.name,
    state: stateAt(state, now),
    failure:
      m.lastRoundFailed && m.lastFailure ? { layer: m.lastFailure.layer, code: m.lastFailure.code } : null,
    lastProbeAt: m.lastRoundAt,
    errorRate: errorRates,
    errorRateByLayer: byLayer,
    p95Ms: { '1h': lastHourP95(state, now).p95, '7d': sevenDayP95(state, now) },
    latency: lastHourPercentiles(state, now),
    slo: sloSummary(state, now),
    openIncidentId: state.incident?.id ?? null,
    activeWarnings: [...state.warnings],
    maintenance: maintenance ? { title: maintenance.title, end: maintenance.end } : null,
  };
}

function inMaintenance(state: EngineState, now: number): boolean {
  const w = state.maintenance;
  return w !== null && w.start <= now && now < w.end;
}

function stateAt(state: EngineState, now: number): ServerState {
  const m = state.memory;
  if (inMaintenance(state, now)) return 'maintenance';
  if (m.lastRoundAt === null || now - m.lastRoundAt > TUNING.staleIntervals * state.rules.intervalMs)
    return 'unknown';
  const confirmed = m.streaks.hard >= state.rules.confirmFailures;
  if (m.lastRoundFailed && (state.incident?.severity === 'P1' || confirmed)) return 'down';
  if (state.incident) return 'degraded';
  return 'up';
}
