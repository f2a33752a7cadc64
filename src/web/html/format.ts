/** Numbers and times as the pages print them. Pure; the clock is passed in. */

/** 0.0123 -> "1.23%"; null -> "–". */
export function percent(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** Availability from an error rate: 0.001 -> "99.90%". */
export function availability(errorRate: number | null | undefined, digits = 2): string {
  if (errorRate === null || errorRate === undefined) return '–';
  return percent(1 - errorRate, digits);
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

/** A span of time in the largest two units: "3 d 4 h", "12 min", "40 s". */
export function span(millis: number): string {
  const s = Math.max(0, Math.round(millis / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** "5 min ago" / "in 2 h". */
export function relative(at: number, now: number): string {
  return at <= now ? `${span(now - at)} ago` : `in ${span(at - now)}`;
}

/** "2025-06-01 12:34 UTC". */
export function utc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2025-06-01". */
export function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function iso(at: number): string {
  return new Date(at).toISOString();
}
