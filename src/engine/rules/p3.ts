/**
 * P3 — leading indicators (DESIGN's table). Warnings for the digest and the dashboard, never paged.
 *
 * - cert_expiring: the certificate expires within `certExpiringDays` (14) days (counted down on ticks).
 * - latency_trend: the hourly p95 of the last 48 h fits a line rising by ≥ `latencyTrendFactor`
 *   (1.5×) across the span (latency.ts), with at least TUNING.trendMinHours hours known.
 * - schema_drift: the tool surface changed without a server version bump (drift.ts); cleared by the
 *   next release or after TUNING.driftWarningMs.
 * - error_rate_elevated: ≥ `errorRateElevatedP3` (5%) of the last hour's rounds failed.
 * - success_rate_24h: the last 24 h succeeded at a rate in [`successRate24hLow`, `successRate24hHigh`);
 *   once raised, held while it gets worse and until halfway back to 100%.
 * - slo_slow_burn: burn ≥ 1× over 3 d and 6 h, as alerting reads it: isolated failures (jitter) left
 *   out (slo.ts).
 * - regional_failure: a minority of the regions failed; cleared after TUNING.regionalQuietMs without one.
 *
 * The rate, burn and trend warnings hold once raised until halfway back (TUNING.clearShare); the
 * error-rate and slow-burn warnings also stay raised until their condition has not held for
 * TUNING.warningHoldMs, so scattered failures make one warning a day at most, not one an hour.
 */
import { failureText, iso, pct, span, times } from '../format.js';
import { SLOW_BURN_PAIR } from '../slo.js';
import { DAY_MS, TUNING } from '../tuning.js';
import type { Rule } from './rule.js';
import { burnPair } from './burn.js';
import { holdFactor, rateAtLeast } from './rate.js';

export const P3_RULES: readonly Rule[] = [
  {
    id: 'cert_expiring',
    severity: 'P3',
    timeDriven: true,
    check(f) {
      const validTo = f.memory.certValidTo;
      if (validTo === null || validTo <= f.at) return null;
      const days = (validTo - f.at) / DAY_MS;
      if (days > f.rules.thresholds.certExpiringDays) return null;
      return {
        message: `TLS certificate expires in ${days.toFixed(1)} days (${iso(validTo)})`,
        details: { validTo },
      };
    },
  },
  {
    id: 'latency_trend',
    severity: 'P3',
    check(f, wasActive) {
      const trend = f.memory.trend;
      const factor = holdFactor(f.rules.thresholds.latencyTrendFactor, wasActive);
      if (!trend || trend.ratio === null || trend.ratio < factor) return null;
      return {
        message: `p95 trending up: ${times(trend.ratio)} across the last ${TUNING.trendHours} h (a line through ${trend.hours} hourly p95s)`,
        details: { ratio: trend.ratio },
      };
    },
  },
  {
    id: 'schema_drift',
    severity: 'P3',
    timeDriven: true,
    check(f) {
      const drift = f.memory.drift;
      if (!drift || f.at - drift.at >= TUNING.driftWarningMs) return null;
      return { message: drift.message, details: drift.details, since: drift.at };
    },
  },
  {
    id: 'error_rate_elevated',
    severity: 'P3',
    holdMs: TUNING.warningHoldMs,
    check: (f, wasActive) => rateAtLeast(f, '1h', f.rules.thresholds.errorRateElevatedP3, 'P3', wasActive),
  },
  {
    id: 'success_rate_24h',
    severity: 'P3',
    check(f, wasActive) {
      const t = f.tally('24h');
      if (t.rounds < f.minRounds('24h')) return null;
      const rate = 1 - t.failed / t.rounds;
      const { successRate24hLow: low, successRate24hHigh: high } = f.rules.thresholds;
      // Raised inside the band; once raised, held while it gets worse and until halfway back to 100%.
      if (wasActive ? rate >= high + (1 - high) * TUNING.clearShare : rate < low || rate >= high) return null;
      return {
        message: `${pct(rate)} of ${t.rounds} probes succeeded over 24 h (watched between ${pct(low)} and ${pct(high)})`,
        details: { rounds: t.rounds, failed: t.failed },
      };
    },
  },
  {
    id: 'slo_slow_burn',
    severity: 'P3',
    holdMs: TUNING.warningHoldMs,
    check: (f, wasActive) =>
      burnPair(f, SLOW_BURN_PAIR.long, SLOW_BURN_PAIR.short, SLOW_BURN_PAIR.factor, wasActive),
  },
  {
    id: 'regional_failure',
    severity: 'P3',
    timeDriven: true,
    check(f) {
      const r = f.memory.regional;
      if (!r || f.at - r.at >= TUNING.regionalQuietMs) return null;
      return {
        message: `failing in ${r.regions.join(', ')} (${r.regions.length} of ${r.of} regions): ${failureText(r.failure)}; clears after ${span(TUNING.regionalQuietMs)} without one`,
        details: { regions: r.regions, of: r.of },
      };
    },
  },
];
