import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, formatDuration, parseDuration } from '../../src/util/duration.js';

test('parseDuration reads every unit and compound forms', () => {
  const cases: [string | number, number][] = [
    ['500ms', 500],
    ['15s', 15_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['2m30s', 150_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['0s', 0],
    [' 15s ', 15_000],
    [0, 0],
    [1500, 1500],
    [2.4, 2],
  ];
  for (const [input, ms] of cases)
    assert.equal(parseDuration(input), ms, `parseDuration(${JSON.stringify(input)})`);
});

test('parseDuration refuses bad input with a clear message', () => {
  const cases: [string | number, RegExp][] = [
    ['', /invalid duration "": expected a number with a unit/],
    ['15', /invalid duration "15": missing unit/],
    ['15x', /invalid duration "15x": unexpected "15x"/],
    ['abc', /unexpected "abc"/],
    ['5 m', /unexpected "5 m"/],
    ['-5s', /unexpected "-5s"/],
    ['30s2m', /units must go from largest to smallest/],
    ['1m1m', /units must go from largest to smallest/],
    ['1h-', /unexpected "-"/],
    [-1, /must be 0 or more/],
    [Number.NaN, /must be 0 or more/],
    [Number.POSITIVE_INFINITY, /must be 0 or more/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseDuration(input),
      (err: unknown) => {
        assert.ok(err instanceof DurationError, `${String(input)} throws a DurationError`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('formatDuration prints compact compounds that parse back', () => {
  const cases: [number, string][] = [
    [0, '0ms'],
    [1, '1ms'],
    [500, '500ms'],
    [1500, '1s500ms'],
    [15_000, '15s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [604_800_000, '7d'],
    [400 * 86_400_000, '400d'],
    [93_784_005, '1d2h3m4s5ms'],
    [-2500, '-2s500ms'],
    [1.6, '2ms'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text, `formatDuration(${ms})`);
    if (ms >= 0) assert.equal(parseDuration(text), Math.round(ms));
  }
});
