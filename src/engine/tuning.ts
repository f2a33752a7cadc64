/**
 * The engine's own constants: guards and quiet periods that the config does not expose (ServerRules
 * carries every threshold of the DESIGN table). Each is documented where it is used; changing one
 * changes behaviour that the tests pin down.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const TUNING = {
  /**
   * An error-rate window fires only once it holds this share of the rounds the interval schedules
   * in it (5 m at 60 s: 4 rounds), so a fresh server's first failures are not "100% over 5 min".
   */
  rateCoverage: 0.8,
  /** ...and never with fewer rounds than this. */
  rateMinRounds: 3,
  /**
   * Hysteresis of the threshold rules: once fired, an error rate or burn rate holds until it is
   * back below this share of its threshold, and a latency ratio until it has come this share of the
   * way back to 1×. A value hovering at the threshold then keeps one incident open instead of
   * opening and resolving one every few minutes.
   */
  clearShare: 0.5,
  /**
   * An incident opening within this long of the previous one's resolution is recurring: it resolves
   * only once no trigger has held for this long (lifecycle.ts).
   */
  recurrenceMs: HOUR_MS,
  /** How long the error-rate and slow-burn warnings stay raised after their condition last held. */
  warningHoldMs: 6 * HOUR_MS,
  /** Good rounds in the last hour before its p95 is compared with the baseline. */
  latencyMinRecent: 20,
  /** Good rounds in the 7 complete days before today before they make a baseline. */
  latencyMinBaseline: 500,
  /** Complete days that make the latency baseline. */
  baselineDays: 7,
  /** Complete hours the latency trend is fitted over. */
  trendHours: 48,
  /** Hours (of trendHours) that must have an hourly p95 for a trend to exist. */
  trendMinHours: 36,
  /** Good rounds in an hour for its p95 to count in the trend. */
  trendMinPerHour: 10,
  /**
   * A failure run shorter than this is jitter: no up/down change for flapping, and no relapse of an
   * incident in monitoring (unless the failure switches a trigger on). The fast burn switches on only
   * at a failure that makes a run this long (judge.ts). (Burn-rate alerting leaves out the time of
   * runs of exactly one: record.ts.)
   */
  minFailureRun: 2,
  /** A regional-failure warning clears after this long without a minority failure. */
  regionalQuietMs: 15 * MINUTE_MS,
  /** A schema-drift warning clears after this long (or at the next version bump). */
  driftWarningMs: 7 * DAY_MS,
  /** Without a round for this many intervals, the state is 'unknown'. */
  staleIntervals: 3,
  /** Tools and schema changes listed per tool in a drift diff before "and N more". */
  driftMaxTools: 20,
  driftMaxChangesPerTool: 10,
} as const;
