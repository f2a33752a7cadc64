/** Milliseconds since the epoch as an ISO 8601 string; null stays null. */
export const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();
