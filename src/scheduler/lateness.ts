/** The most recent lateness samples in a ring, for percentiles (p99 lateness is the scheduler's health). */
import type { LatenessSummary } from './types.js';

export class LatenessRing {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(Math.max(1, capacity));
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  /** The samples kept, oldest first. */
  values(): number[] {
    if (this.count < this.samples.length) return Array.from(this.samples.subarray(0, this.count));
    return [...this.samples.subarray(this.next), ...this.samples.subarray(0, this.next)];
  }

  summary(): LatenessSummary {
    const sorted = this.values().sort((a, b) => a - b);
    const at = (p: number): number =>
      sorted.length === 0 ? 0 : (sorted[Math.ceil(p * sorted.length) - 1] as number);
    return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
  }
}
