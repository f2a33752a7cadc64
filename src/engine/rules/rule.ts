/**
 * What a rule is: a named check of the facts at one moment, with the severity of what it finds.
 * P1 and P2 findings are incident triggers; P3 findings are warnings.
 */
import type { BurnWindowName, RuleId, ServerRules, Severity } from '../types.js';
import type { Memory } from '../state.js';
import type { Tally } from '../tally.js';
import type { SpanName } from '../windows.js';

export interface Finding {
  /** One sentence with the numbers that made the rule fire. */
  message: string;
  details?: Record<string, unknown>;
  /** When the finding began; a warning opened at another time is replaced (a new schema drift). */
  since?: number;
}

/** Everything a rule may look at, read at the time judged. */
export interface Facts {
  rules: ServerRules;
  at: number;
  memory: Memory;
  tally(window: SpanName): Tally;
  /** Rounds a window must hold before a rate over it may fire. */
  minRounds(window: SpanName): number;
  /**
   * Burn rate over a window as alerting reads it (isolated failures left out: slo.ts); null below the
   * window's minimum-sample guard.
   */
  burnRate(window: BurnWindowName): number | null;
  /** p95 of the last hour (good rounds) and how many rounds it is read from. */
  lastHourP95(): { p95: number | null; samples: number };
}

export interface Rule {
  id: RuleId;
  severity: Severity;
  /** Judged on ticks too, and (for P3) during maintenance: facts that time alone changes. */
  timeDriven?: boolean;
  /** P3: a warning stays raised until its condition has not held for this long (no daily churn). */
  holdMs?: number;
  /**
   * P1/P2 triggers read from windows that outlive the failures in them (error rates, burn rates): when
   * they may switch on (judge.ts). `failedRound`: only at a round that failed. `confirmedFailure`: only
   * at a failed round that is at least the TUNING.minFailureRun-th of its run, so a failure that may
   * still be jitter cannot switch it on by itself. Once on, the trigger holds and clears by `check`
   * alone (its hysteresis). Without it, a trigger switches on whenever `check` finds.
   */
  switchOn?: 'failedRound' | 'confirmedFailure';
  check(f: Facts, wasActive: boolean): Finding | null;
}
