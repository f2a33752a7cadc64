/**
 * P1 — complete outage (DESIGN's table). Paged.
 *
 * - cert_expired: the certificate's notAfter has passed (seen by a probe, or counted down on a tick).
 * - auth_changed: a server expected without auth, that answered before, now gets http/auth_required
 *   on `confirmFailures` consecutive rounds (half-configured auth).
 * - consecutive_failures: `confirmFailures` (3) consecutive hard failures.
 * - error_rate_5m: ≥ `errorRate5mP1` (60%) of the rounds of the last 5 min failed.
 *
 * Rate rules switch on only at a round that failed (judge.ts: a window still full of an outage that
 * ended opens nothing), and hold, once fired, until the rate is back below half the threshold
 * (TUNING.clearShare).
 */
import { failureText, iso } from '../format.js';
import type { Rule } from './rule.js';
import { rateAtLeast } from './rate.js';

export const P1_RULES: readonly Rule[] = [
  {
    id: 'cert_expired',
    severity: 'P1',
    timeDriven: true,
    check(f) {
      const validTo = f.memory.certValidTo;
      if (validTo === null || validTo > f.at) return null;
      return { message: `TLS certificate expired at ${iso(validTo)}`, details: { validTo } };
    },
  },
  {
    id: 'auth_changed',
    severity: 'P1',
    check(f) {
      const n = f.memory.streaks.auth;
      if (f.rules.auth !== 'none' || f.memory.lastGoodAt === null || n < f.rules.confirmFailures) return null;
      return {
        message: `answered without authorization before; now asks for it (http/auth_required) on ${n} consecutive probes`,
      };
    },
  },
  {
    id: 'consecutive_failures',
    severity: 'P1',
    check(f) {
      const n = f.memory.streaks.hard;
      const last = f.memory.lastFailure;
      if (n < f.rules.confirmFailures || last === null) return null;
      return {
        message: `${n} consecutive failed probes, the last at ${failureText(last)}`,
        details: { count: n },
      };
    },
  },
  {
    id: 'error_rate_5m',
    severity: 'P1',
    switchOn: 'failedRound',
    check: (f, wasActive) => rateAtLeast(f, '5m', f.rules.thresholds.errorRate5mP1, 'P1', wasActive),
  },
];
