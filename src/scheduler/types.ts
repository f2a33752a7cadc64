/**
 * The scheduler's vocabulary. It knows when to probe and how many at once; what a probe does and
 * where its result goes belong to the `runProbe` callback it is given.
 */

/** One thing to probe on a cadence (the wiring builds these from the config's servers). */
export interface ScheduledServer {
  /** Unique within one scheduler; also the seed of the server's stable offset. */
  name: string;
  intervalMs: number;
  /** Time between confirmation re-probes after a failure. */
  confirmEveryMs: number;
  /** Consecutive failures (the first included) after which re-probing stops until a success. */
  confirmFailures: number;
  /** Label handed to runProbe (default 'local'). Several regions are several entries (agents, later). */
  region?: string;
  paused?: boolean;
  /**
   * Where the slots sit within the interval, fixed by the caller instead of spread.ts: the hub and
   * its regional agents give a server probed from several regions the same offset, so that they
   * probe each slot together.
   */
  offsetMs?: number;
  /**
   * The probe's own deadline. A probe that has not settled by timeoutMs + abandonGraceMs is abandoned:
   * its signal is aborted, its concurrency slot is freed and it counts as a failure.
   */
  timeoutMs?: number;
}

export type SlotKind = 'scheduled' | 'confirm' | 'manual';

/** What runProbe is told about the probe it runs. */
export interface ProbeSlot {
  kind: SlotKind;
  /** scheduled: slot n, at offset + n·interval ms since the epoch; confirm: attempt 1, 2, …; manual: 0. */
  index: number;
  /** When it should have started. */
  dueAt: number;
  startedAt: number;
  /** startedAt − dueAt (0 for manual probes). */
  latenessMs: number;
  region: string;
  /** Consecutive failures before this probe. */
  consecutiveFailures: number;
  /** Aborted when the scheduler abandons the probe, or stops with { abort: true }. */
  signal: AbortSignal;
}

export interface ProbeVerdict {
  ok: boolean;
}

export type TimerHandle = unknown;

/** Time, injected so that tests run hours of schedule on a fake clock. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface SchedulerDeps<S extends ScheduledServer> extends Clock {
  /** Runs one probe. It should never throw; if it does, the scheduler counts it as a failed probe. */
  runProbe(server: S, slot: ProbeSlot): Promise<ProbeVerdict>;
  /** Told about a probe that threw or rejected (for the log). */
  onError?(error: unknown, server: S, slot: ProbeSlot): void;
}

export interface SchedulerOptions {
  /** Most probes in flight at once; due probes beyond that wait in a queue. */
  concurrency: number;
  /** How many recent lateness samples to keep for percentiles (default 10 000). */
  latenessSamples?: number;
  /** Extra time past a server's timeoutMs before a probe is abandoned (default 5 000). */
  abandonGraceMs?: number;
}

export interface LatenessSummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SchedulerStats {
  servers: number;
  paused: number;
  inFlight: number;
  queued: number;
  /** Probes started, by kind. */
  started: number;
  confirmations: number;
  manual: number;
  completed: number;
  /** Probes that returned ok: false, threw, or were abandoned. */
  failed: number;
  /** Probes that threw or rejected (a bug in the callback, not a remote failure). */
  errors: number;
  abandoned: number;
  /** Scheduled slots not run because the server's previous probe was still running or queued. */
  skippedSlots: number;
  /** Lateness (start − due) of scheduled and confirmation probes, over the recent samples. */
  lateness: LatenessSummary;
}

/** One server as the scheduler sees it right now. */
export interface ServerSchedule {
  name: string;
  paused: boolean;
  running: boolean;
  queued: boolean;
  /** Next time something is due (slot or confirmation), null when paused or stopped. */
  nextDueAt: number | null;
  offsetMs: number;
  consecutiveFailures: number;
  confirming: boolean;
  skippedSlots: number;
}
