/** One scheduled server's state inside the scheduler. */
import type { Placement } from './spread.js';
import type { ProbeSlot, ProbeVerdict, ScheduledServer, SlotKind, TimerHandle } from './types.js';

/** A probe waiting for a free concurrency slot. */
export interface Pending {
  kind: SlotKind;
  index: number;
  dueAt: number;
}

/** A probe in flight. */
export interface Run {
  slot: ProbeSlot;
  controller: AbortController;
  watchdog: TimerHandle | null;
  settled: boolean;
}

export interface Entry<S> {
  server: S;
  placement: Placement;
  offset: number;
  /** The next scheduled slot not yet handled. */
  nextSlot: number;
  /** No scheduled slot before this time (ms; 0: none), e.g. one interval after another instance's probe. */
  notBefore: number;
  confirmAt: number | null;
  confirmAttempt: number;
  consecutiveFailures: number;
  running: Run | null;
  queued: Pending | null;
  /** Bumped on every reschedule: older heap entries for this server are stale. */
  generation: number;
  removed: boolean;
  skippedSlots: number;
  /** probeNow callers waiting for the next verdict. */
  waiters: { resolve: (v: ProbeVerdict) => void; reject: (e: Error) => void }[];
}

export function newEntry<S>(server: S, placement: Placement): Entry<S> {
  return {
    server,
    placement,
    offset: placement.offsetMs,
    nextSlot: 0,
    notBefore: 0,
    confirmAt: null,
    confirmAttempt: 0,
    consecutiveFailures: 0,
    running: null,
    queued: null,
    generation: 0,
    removed: false,
    skippedSlots: 0,
    waiters: [],
  };
}

export function validate(server: ScheduledServer): void {
  const positive = (value: number, what: string): void => {
    if (!(Number.isFinite(value) && value > 0))
      throw new RangeError(`${server.name}: ${what} must be > 0, got ${value}`);
  };
  if (typeof server.name !== 'string' || server.name === '')
    throw new RangeError('a scheduled server needs a name');
  positive(server.intervalMs, 'intervalMs');
  positive(server.confirmEveryMs, 'confirmEveryMs');
  if (!(Number.isInteger(server.confirmFailures) && server.confirmFailures >= 1)) {
    throw new RangeError(
      `${server.name}: confirmFailures must be a whole number >= 1, got ${server.confirmFailures}`,
    );
  }
}

export function rejectWaiters<S>(entry: Entry<S>, message: string): void {
  for (const w of entry.waiters.splice(0)) w.reject(new Error(message));
}
