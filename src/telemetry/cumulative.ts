/**
 * Cumulative histogram points → deltas. An OpenTelemetry SDK exports cumulative histograms by
 * default: each point is the total since its start time. The delta is this point minus the last one
 * of the same series (service, tool, error type, start time); a series seen for the first time, or
 * whose count went down (a restart), counts in full. Bounded: at most `maxSeries` series are
 * remembered (the least recently seen go first).
 */
export interface HistogramDelta {
  count: number;
  bucketCounts: number[];
}

interface Seen {
  count: number;
  bucketCounts: number[];
}

export class CumulativeSeries {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly maxSeries = 10_000) {}

  get size(): number {
    return this.seen.size;
  }

  delta(key: string, count: number, bucketCounts: number[]): HistogramDelta {
    const last = this.seen.get(key);
    this.seen.delete(key);
    this.seen.set(key, { count, bucketCounts });
    if (this.seen.size > this.maxSeries) this.seen.delete(this.seen.keys().next().value as string);
    if (!last || count < last.count || last.bucketCounts.length !== bucketCounts.length)
      return { count, bucketCounts };
    return {
      count: count - last.count,
      bucketCounts: bucketCounts.map((c, i) => Math.max(0, c - (last.bucketCounts[i] ?? 0))),
    };
  }
}
