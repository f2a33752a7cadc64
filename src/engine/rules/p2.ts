/**
 * P2 — degraded (DESIGN's table). Chat and email.
 *
 * - consecutive_soft_failures: `softFailures` (3) consecutive malformed/invalid_schema/rate_limited.
 * - too_few_tools: fewer than `minTools` tools listed on `confirmFailures` consecutive listings.
 * - error_rate_15m: ≥ `errorRate15mP2` (20%) of the rounds of the last 15 min failed; switches on only
 *   at a round that failed (judge.ts).
 * - flapping: see flapping.ts (detection and its quiet period).
 * - latency_regression: the last hour's p95 ≥ `latencyRegressionFactor` (2) × the 7-day baseline
 *   (latency.ts), with at least TUNING.latencyMinRecent rounds in the hour and
 *   TUNING.latencyMinBaseline in the baseline. Both sides are bucket bounds, so the comparison
 *   allows 0.1% for their rounding.
 * - slo_fast_burn: burn ≥ 14.4× over 1 h and 5 m, or ≥ 6× over 6 h and 30 m, each window past the
 *   minimum-sample guard of slo.ts (so a lone failure in a quiet 5 minutes cannot fire it). Burn as
 *   alerting reads it: isolated failures (jitter) left out (slo.ts). Switches on only at a confirmed
 *   failure: a failed round that is at least the second of its run (judge.ts).
 *
 * Rates, burn rates and the latency ratio hold once fired until they are halfway back
 * (TUNING.clearShare): 20% holds down to 10%, 2× the baseline down to 1.5×.
 */
import { failureText, ms, span, times } from '../format.js';
import { isFlapping } from '../flapping.js';
import { FAST_BURN_PAIRS } from '../slo.js';
import { TUNING } from '../tuning.js';
import type { Rule } from './rule.js';
import { burnPair } from './burn.js';
import { holdFactor, rateAtLeast } from './rate.js';

export const P2_RULES: readonly Rule[] = [
  {
    id: 'consecutive_soft_failures',
    severity: 'P2',
    check(f) {
      const n = f.memory.streaks.soft;
      const last = f.memory.lastFailure;
      if (n < f.rules.thresholds.softFailures || last === null) return null;
      return {
        message: `${n} consecutive probes answered badly, the last at ${failureText(last)}`,
        details: { count: n },
      };
    },
  },
  {
    id: 'too_few_tools',
    severity: 'P2',
    check(f) {
      const min = f.rules.minTools;
      if (min === null || f.memory.streaks.lowTools < f.rules.confirmFailures) return null;
      return {
        message: `${f.memory.toolCount ?? 0} tools listed on ${f.memory.streaks.lowTools} consecutive probes; at least ${min} expected`,
        details: { count: f.memory.toolCount, minTools: min },
      };
    },
  },
  {
    id: 'error_rate_15m',
    severity: 'P2',
    switchOn: 'failedRound',
    check: (f, wasActive) => rateAtLeast(f, '15m', f.rules.thresholds.errorRate15mP2, 'P2', wasActive),
  },
  {
    id: 'flapping',
    severity: 'P2',
    check(f, wasActive) {
      const window = f.rules.thresholds.flappingWindowMs;
      if (!isFlapping(f.memory.transitions, f.at, f.rules, wasActive)) return null;
      const changes = f.memory.transitions.filter((t) => t > f.at - window).length;
      return {
        message: `${changes} up/down changes within ${span(window)}; holds until ${span(window)} pass without one`,
      };
    },
  },
  {
    id: 'latency_regression',
    severity: 'P2',
    check(f, wasActive) {
      const base = f.memory.baseline;
      if (!base || base.p95 === null || base.samples < TUNING.latencyMinBaseline) return null;
      const recent = f.lastHourP95();
      if (recent.p95 === null || recent.samples < TUNING.latencyMinRecent) return null;
      const factor = f.rules.thresholds.latencyRegressionFactor;
      if (recent.p95 < holdFactor(factor, wasActive) * base.p95 * (1 - 1e-3)) return null;
      return {
        message: `p95 over the last hour is ${ms(recent.p95)}, ${times(recent.p95 / base.p95)} the 7-day baseline of ${ms(base.p95)}`,
        details: { p95: recent.p95, baseline: base.p95 },
      };
    },
  },
  {
    id: 'slo_fast_burn',
    severity: 'P2',
    switchOn: 'confirmedFailure',
    check(f, wasActive) {
      for (const pair of FAST_BURN_PAIRS) {
        const found = burnPair(f, pair.long, pair.short, pair.factor, wasActive);
        if (found) return found;
      }
      return null;
    },
  },
];
