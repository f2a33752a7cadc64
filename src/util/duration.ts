/**
 * Durations as people write them in the config: `500ms`, `15s`, `5m`, `1h`, `7d`, `2w`, and compounds
 * of those from the largest unit down (`2m30s`, `1h30m`, `1.5h`). A number is already milliseconds.
 */

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;

/** Largest first: the order compound durations must be written in, and the order they are printed in. */
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms'];

const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;

export class DurationError extends Error {
  override name = 'DurationError';
}

const HINT = 'expected a number with a unit (ms, s, m, h, d, w), e.g. 500ms, 15s, 5m, 2m30s';

/** Milliseconds in a duration. Throws a DurationError naming the input and the expected form. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new DurationError(
        `invalid duration ${String(input)}: a number of milliseconds must be 0 or more`,
      );
    }
    return Math.round(input);
  }
  if (typeof input !== 'string') throw new DurationError(`invalid duration: ${HINT}`);
  const text = input.trim();
  if (text === '') throw new DurationError(`invalid duration "": ${HINT}`);
  if (/^\d+(\.\d+)?$/.test(text)) {
    throw new DurationError(`invalid duration "${text}": missing unit; ${HINT}`);
  }
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (!match)
      throw new DurationError(`invalid duration "${text}": unexpected "${text.slice(at)}"; ${HINT}`);
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) {
      throw new DurationError(
        `invalid duration "${text}": units must go from largest to smallest, each once`,
      );
    }
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  return Math.round(total);
}

/** A compact rendering that parseDuration reads back: 90000 -> "1m30s", 1500 -> "1s500ms", 0 -> "0ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0ms';
  let out = '';
  // Weeks are accepted but not printed: "30d" reads better than "4w2d".
  for (const unit of UNIT_ORDER.slice(1)) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      const count = Math.floor(rest / size);
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return ms < 0 ? `-${out}` : out;
}
