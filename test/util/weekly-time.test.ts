import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nextWeeklyTime,
  parseWeeklyTime,
  weeklyTimeToCron,
  WeeklyTimeError,
} from '../../src/util/weekly-time.js';

test('parseWeeklyTime and its cron form', () => {
  const cases: [string, { days: number[]; hour: number; minute: number }, string][] = [
    ['mon 09:00', { days: [1], hour: 9, minute: 0 }, '0 9 * * 1'],
    ['Sun 7:05', { days: [0], hour: 7, minute: 5 }, '5 7 * * 0'],
    ['daily 08:30', { days: [0, 1, 2, 3, 4, 5, 6], hour: 8, minute: 30 }, '30 8 * * *'],
    ['weekdays 17:00', { days: [1, 2, 3, 4, 5], hour: 17, minute: 0 }, '0 17 * * 1,2,3,4,5'],
    ['thu,mon 23:59', { days: [1, 4], hour: 23, minute: 59 }, '59 23 * * 1,4'],
  ];
  for (const [text, parsed, cron] of cases) {
    assert.deepEqual(parseWeeklyTime(text), parsed, text);
    assert.equal(weeklyTimeToCron(parsed), cron, text);
  }
});

test('parseWeeklyTime refuses other forms', () => {
  for (const text of ['', 'monday 09:00', 'mon 9', 'mon 24:00', 'mon 09:60', '0 9 * * 1', 'mon,,tue 09:00']) {
    assert.throws(() => parseWeeklyTime(text), WeeklyTimeError, text);
  }
});

test('nextWeeklyTime in UTC and across a DST change', () => {
  const mon9 = parseWeeklyTime('mon 09:00');
  // Wednesday 2025-03-26 12:00 UTC -> Monday 2025-03-31 09:00 UTC.
  assert.equal(
    nextWeeklyTime(mon9, 'UTC', Date.parse('2025-03-26T12:00:00Z')),
    Date.parse('2025-03-31T09:00:00Z'),
  );
  // Exactly at the time: strictly after, so the week after.
  assert.equal(
    nextWeeklyTime(mon9, 'UTC', Date.parse('2025-03-31T09:00:00Z')),
    Date.parse('2025-04-07T09:00:00Z'),
  );
  // Paris is UTC+1 before 2025-03-30 and UTC+2 after.
  assert.equal(
    nextWeeklyTime(mon9, 'Europe/Paris', Date.parse('2025-03-26T12:00:00Z')),
    Date.parse('2025-03-31T07:00:00Z'),
  );
  assert.equal(
    nextWeeklyTime(mon9, 'Europe/Paris', Date.parse('2025-03-20T12:00:00Z')),
    Date.parse('2025-03-24T08:00:00Z'),
  );
  const daily = parseWeeklyTime('daily 23:30');
  assert.equal(
    nextWeeklyTime(daily, 'America/New_York', Date.parse('2025-01-01T00:00:00Z')),
    Date.parse('2025-01-01T04:30:00Z'),
  );
});
