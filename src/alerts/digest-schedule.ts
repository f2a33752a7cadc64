/**
 * When the digest goes out. The config gives `digest.schedule` (a WeeklyTime read from "mon 09:00",
 * "weekdays 08:30", …; see util/weekly-time.ts) and `digest.timezone`. This file adds what the
 * alerting side needs on top: the previous scheduled instant (the end of the period a digest
 * covers), and reading a schedule from either spelling the config carries (`schedule` text or the
 * derived five-field `cron`, "0 9 * * 1").
 */
import { nextWeeklyTime, parseWeeklyTime, type WeeklyTime } from '../util/weekly-time.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export class DigestScheduleError extends Error {
  constructor(text: string, problem: string) {
    super(`digest schedule "${text}": ${problem}`);
    this.name = 'DigestScheduleError';
  }
}

function cronDays(field: string): number[] | null {
  if (field === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.toLowerCase().split(',')) {
    if (/^[0-7]$/.test(part)) days.add(Number(part) % 7);
    else if (DAYS.includes(part)) days.add(DAYS.indexOf(part));
    else return null;
  }
  return [...days].sort((a, b) => a - b);
}

function cronNumber(field: string, max: number): number | null {
  return /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : null;
}

/** "mon 09:00" style, or a five-field cron line with one minute and one hour. */
export function parseDigestSchedule(text: string): WeeklyTime {
  const fields = text.trim().split(/\s+/);
  if (fields.length === 5) {
    const [min = '', hour = '', dom, month, dow = ''] = fields;
    const minute = cronNumber(min, 59);
    const h = cronNumber(hour, 23);
    const days = cronDays(dow);
    if (dom !== '*' || month !== '*' || minute === null || h === null || days === null) {
      throw new DigestScheduleError(text, 'expected "MIN HOUR * * DAYS" with one minute and one hour');
    }
    return { days, hour: h, minute };
  }
  try {
    return parseWeeklyTime(text);
  } catch (err) {
    throw new DigestScheduleError(text, err instanceof Error ? err.message : String(err));
  }
}

/** The first scheduled instant strictly after `at`. */
export function nextDigestAt(t: WeeklyTime, at: number, timeZone = 'UTC'): number {
  return nextWeeklyTime(t, timeZone, at);
}

/** The latest scheduled instant at or before `at`. */
export function previousDigestAt(t: WeeklyTime, at: number, timeZone = 'UTC'): number {
  let cursor = at - 8 * 86_400_000;
  let last = cursor;
  for (;;) {
    const next = nextWeeklyTime(t, timeZone, cursor);
    if (next > at) return last;
    last = next;
    cursor = next;
  }
}
