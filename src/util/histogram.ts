/**
 * Mergeable log-bucket latency histograms. Bucket i holds values in (2^((i-1)/8), 2^(i/8)] ms, so a
 * percentile read from buckets is within ~9% of the true value, and hourly or daily buckets add up to
 * exact longer-window histograms without keeping raw samples.
 */

/** Buckets per doubling of the value. */
const SUBBUCKETS = 8;

/** Sparse histogram: bucket index -> count. Plain data, so it serialises as JSON. */
export type Histogram = Record<number, number>;

export function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.ceil(Math.log2(ms) * SUBBUCKETS);
}

/** Upper bound of a bucket in ms: the value a percentile in that bucket is reported as. */
export function bucketUpper(index: number): number {
  return index <= 0 ? 1 : 2 ** (index / SUBBUCKETS);
}

export function record(h: Histogram, ms: number, count = 1): Histogram {
  const b = bucketOf(ms);
  h[b] = (h[b] ?? 0) + count;
  return h;
}

/** Adds `src` into `into` (mutates and returns `into`). */
export function merge(into: Histogram, src: Histogram | null | undefined): Histogram {
  if (!src) return into;
  for (const k in src) {
    const n = src[k];
    if (n) into[k as unknown as number] = (into[k as unknown as number] ?? 0) + n;
  }
  return into;
}

export function countOf(h: Histogram): number {
  let n = 0;
  for (const k in h) n += h[k as unknown as number] ?? 0;
  return n;
}

/** The q-quantile (0..1) in ms, rounded to 0.1 ms; null for an empty histogram. */
export function quantile(h: Histogram, q: number): number | null {
  const keys = Object.keys(h)
    .map(Number)
    .sort((a, b) => a - b);
  const total = keys.reduce((n, k) => n + (h[k] ?? 0), 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const k of keys) {
    seen += h[k] ?? 0;
    if (seen >= rank) return Math.round(bucketUpper(k) * 10) / 10;
  }
  return Math.round(bucketUpper(keys[keys.length - 1]!) * 10) / 10;
}
