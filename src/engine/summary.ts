/**
 * One server as the CLI, the API and the status pages show it (the shape of `status --json`).
 *
 * State, the one set of rules every face shows: `maintenance` inside a window; `unknown` while the
 * server is paused, before the first round, or when the last round is older than
 * TUNING.staleIntervals intervals; `down` when the last round failed and either a P1 is open or
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

export interface SummaryOptions {
  /** The server is paused (config): its state is `unknown`, whatever the last rounds said. */
  paused?: boolean;
}

export function summarize(state: EngineState, now: number, opts: SummaryOptions = {}): ServerSummary {
  const m = state.memory;
  const errorRates = {} as Record<WindowName, number | null>;
  const byLayer = {} as Record<WindowName, Record<LayerName, number | null>>;
  for (const w of WINDOWS) {
    const t = tallyWindow(state, w, now);
    errorRates[w] = errorRate(t);
    byLayer[w] = Object.fromEntries(LAYERS.map((l, i) => [l, errorRate(t, i)])) as Record<
      LayerName,
      number | null
    >;
  }
  const maintenance = inMaintenance(state, now) ? state.maintenance : null;
  return {
    server: state.rules.name,
    state: opts.paused ? 'unknown' : stateAt(state, now),
    failure:
      m.lastRoundFailed && m.lastFailure ? { layer: m.lastFailure.layer, code: m.lastFailure.code } : null,
    since: state.incident?.openedAt ?? null,
    lastProbeAt: m.lastRoundAt,
    errorRate: errorRates,
    errorRateByLayer: byLayer,
    p95Ms: { '1h': lastHourP95(state, now).p95, '7d': sevenDayP95(state, now) },
    latencyMs: lastHourPercentiles(state, now),
    slo: sloSummary(state, now),
    openIncidentId: state.incident?.id ?? null,
    activeWarnings: state.warnings.length,
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
