/** The facts the rules read, over a state at the time judged. Windows are read on demand, once each. */
import type { BurnWindowName } from './types.js';
import type { Facts } from './rules/rule.js';
import type { EngineState } from './state.js';
import type { Tally } from './tally.js';
import { alertingBurnRate, burnGuard } from './slo.js';
import { lastHourP95 } from './latency.js';
import { minRounds, SPAN_MS, tallyWindow, type SpanName } from './windows.js';

export function factsAt(state: EngineState, at: number): Facts {
  const tallies = new Map<SpanName, Tally>();
  const tally = (window: SpanName): Tally => {
    let t = tallies.get(window);
    if (!t) tallies.set(window, (t = tallyWindow(state, window, at)));
    return t;
  };
  return {
    rules: state.rules,
    at,
    memory: state.memory,
    tally,
    minRounds: (window) => minRounds(SPAN_MS[window], state.rules.intervalMs),
    burnRate: (window: BurnWindowName) => {
      const t = tally(window);
      return t.rounds >= burnGuard(state.rules, window) ? alertingBurnRate(t, state.rules) : null;
    },
    lastHourP95: () => lastHourP95(state, at),
  };
}
