/**
 * A fake clock for scheduler tests: timers fire in time order when the test advances time, and the
 * promise callbacks they trigger run before the next timer, so probes "take" exactly their duration.
 */
import type { Clock, TimerHandle } from '../../src/scheduler/types.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(private t: number) {}

  now = (): number => this.t;

  setTimer = (fn: () => void, ms: number): TimerHandle => {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), fn });
    return id;
  };

  clearTimer = (handle: TimerHandle): void => {
    this.timers.delete(handle as number);
  };

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Runs every timer due up to `target`, in order, then sets the time to `target`. */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers.values()) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
  }

  /** Moves time forward without running timers (a stalled or suspended process); they fire late on the next advance. */
  jump(ms: number): void {
    this.t += ms;
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }
}

/** Lets every pending promise callback run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A deterministic pseudo-random sequence in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A time aligned to every interval used in the tests (so slot n of offset o is at T0 + o + n·interval). */
export const T0 = Date.UTC(2025, 0, 1);
