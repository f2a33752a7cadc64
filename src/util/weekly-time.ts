/**
 * A weekly time of day, as the config writes the digest schedule: `DAYS HH:MM` where DAYS is `daily`,
 * `weekdays`, a day (`mon` … `sun`) or a comma list (`mon,thu`). Read in an IANA time zone.
 */

export interface WeeklyTime {
  /** Days of the week, 0 = Sunday … 6 = Saturday, ascending. */
  days: number[];
  hour: number;
  minute: number;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FORM = 'expected DAYS HH:MM, e.g. "mon 09:00", "daily 08:30", "weekdays 09:00" or "mon,thu 17:00"';

export class WeeklyTimeError extends Error {
  override name = 'WeeklyTimeError';
}

export function parseWeeklyTime(text: string): WeeklyTime {
  const match = /^\s*([a-z,]+)\s+(\d{1,2}):(\d{2})\s*$/i.exec(text);
  if (!match) throw new WeeklyTimeError(`invalid schedule "${text}": ${FORM}`);
  const [, daysText = '', hourText = '', minuteText = ''] = match;
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (hour > 23 || minute > 59) throw new WeeklyTimeError(`invalid schedule "${text}": no such time of day`);
  return { days: parseDays(daysText.toLowerCase(), text), hour, minute };
}

function parseDays(text: string, whole: string): number[] {
  if (text === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  if (text === 'weekdays') return [1, 2, 3, 4, 5];
  const days = new Set<number>();
  for (const name of text.split(',')) {
    const day = DAY_NAMES.indexOf(name as (typeof DAY_NAMES)[number]);
    if (day === -1) throw new WeeklyTimeError(`invalid schedule "${whole}": unknown day "${name}"; ${FORM}`);
    days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}

/** The same schedule as a 5-field cron expression (minute hour day-of-month month day-of-week). */
export function weeklyTimeToCron(t: WeeklyTime): string {
  const days = t.days.length === 7 ? '*' : t.days.join(',');
  return `${t.minute} ${t.hour} * * ${days}`;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The first occurrence strictly after `afterMs` (ms since epoch) in `timeZone`. */
export function nextWeeklyTime(t: WeeklyTime, timeZone: string, afterMs: number): number {
  for (let dayOffset = 0; dayOffset <= 8; dayOffset++) {
    const local = localDate(afterMs + dayOffset * 86_400_000, timeZone);
    if (!t.days.includes(local.weekday)) continue;
    const at = zonedToUtc(local.year, local.month, local.day, t.hour, t.minute, timeZone);
    if (at > afterMs) return at;
  }
  throw new WeeklyTimeError('schedule has no days');
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

function localDate(ms: number, timeZone: string): LocalDate {
  const parts = fields(ms, timeZone);
  const weekday = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
  return { year: parts.year, month: parts.month, day: parts.day, weekday };
}

/** Wall-clock time in a zone -> instant; in a DST gap it lands just after the gap. */
function zonedToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  return guess;
}

/** Zone offset in ms at an instant (local wall time minus UTC). */
function offsetAt(ms: number, zone: string): number {
  const f = fields(ms, zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function fields(
  ms: number,
  zone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of format.formatToParts(ms)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}
