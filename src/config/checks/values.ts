/** Checks of values beyond their shape: storage, durations that make sense together, dates, files. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDuration } from '../../util/duration.js';
import { DEFAULTS } from '../defaults.js';
import type { PathSegment } from '../path.js';
import { list, ms, num, rec, str, type CheckContext } from './context.js';

export function checkValues(ctx: CheckContext): void {
  const root = rec(ctx.data);
  checkStorage(ctx, rec(root['storage']));
  checkRetention(ctx, rec(root['retention']));
  const defaults = rec(root['defaults']);
  checkCadence(ctx, defaults, {}, ['defaults']);
  checkSuccessRates(ctx, rec(defaults['thresholds']), {}, ['defaults']);
  list(root['servers']).forEach((value, i) => {
    const server = rec(value);
    checkCadence(ctx, server, defaults, ['servers', i]);
    checkSuccessRates(ctx, rec(server['thresholds']), rec(defaults['thresholds']), ['servers', i]);
    checkCa(ctx, server, i);
  });
  list(root['maintenance']).forEach((window, i) => checkWindow(ctx, rec(window), i));
}

function checkStorage(ctx: CheckContext, storage: Record<string, unknown>): void {
  if ('sqlite' in storage && 'postgres' in storage) {
    ctx.problems.error(['storage'], 'choose one of sqlite or postgres, not both');
  }
  const postgres = str(storage['postgres']);
  if (postgres !== undefined && !/^postgres(ql)?:\/\//.test(postgres)) {
    ctx.problems.error(
      ['storage', 'postgres'],
      'must be a connection URL starting with postgres:// or postgresql://',
    );
  }
  if (str(storage['sqlite']) === '') ctx.problems.error(['storage', 'sqlite'], 'must be a file path');
}

function checkRetention(ctx: CheckContext, retention: Record<string, unknown>): void {
  const raw = ms(retention['raw']);
  const rollups = ms(retention['rollups']);
  if (raw !== undefined && raw < 3_600_000) ctx.problems.error(['retention', 'raw'], 'must be at least 1h');
  if (rollups !== undefined && rollups < 86_400_000)
    ctx.problems.error(['retention', 'rollups'], 'must be at least 1d');
  const minute = ms(retention['minuteRollups']);
  if (minute !== undefined && minute < 3_600_000)
    ctx.problems.error(['retention', 'minuteRollups'], 'must be at least 1h');
  const effectiveRaw = raw ?? DEFAULTS.retention.rawMs;
  if (rollups !== undefined && rollups < effectiveRaw) {
    ctx.problems.warning(
      ['retention', 'rollups'],
      'is shorter than raw retention: rollups would be pruned before the raw rows they summarise',
    );
  }
}

/** Interval, timeout and confirmation: each sane alone, and together (warnings). */
function checkCadence(
  ctx: CheckContext,
  own: Record<string, unknown>,
  inherited: Record<string, unknown>,
  path: PathSegment[],
): void {
  const interval = ms(own['interval']);
  const timeout = ms(own['timeout']);
  const every = ms(rec(own['confirm'])['every']);
  const tooShort: [number | undefined, number, PathSegment[], string][] = [
    [interval, 1000, [...path, 'interval'], 'must be at least 1s'],
    [timeout, 100, [...path, 'timeout'], 'must be at least 100ms'],
    [every, 1000, [...path, 'confirm', 'every'], 'must be at least 1s'],
  ];
  let invalid = false;
  for (const [value, min, at, message] of tooShort) {
    if (value !== undefined && value < min) {
      ctx.problems.error(at, message);
      invalid = true;
    }
  }
  if (invalid) return;

  const effInterval = interval ?? ms(inherited['interval']) ?? DEFAULTS.intervalMs;
  const effTimeout = timeout ?? ms(inherited['timeout']) ?? DEFAULTS.timeoutMs;
  const effEvery = every ?? ms(rec(inherited['confirm'])['every']) ?? DEFAULTS.confirm.everyMs;
  if ((interval !== undefined || timeout !== undefined) && effTimeout > effInterval) {
    ctx.problems.warning(
      [...path, timeout !== undefined ? 'timeout' : 'interval'],
      `timeout ${formatDuration(effTimeout)} is longer than interval ${formatDuration(effInterval)}: a slow probe will skip slots`,
    );
  }
  if ((interval !== undefined || every !== undefined) && effEvery >= effInterval) {
    ctx.problems.warning(
      [...path, every !== undefined ? 'confirm' : 'interval'],
      `confirm.every ${formatDuration(effEvery)} is not shorter than interval ${formatDuration(effInterval)}: failures are confirmed no faster than normal probes`,
    );
  }
}

function checkSuccessRates(
  ctx: CheckContext,
  own: Record<string, unknown>,
  inherited: Record<string, unknown>,
  path: PathSegment[],
): void {
  const lowOwn = num(own['successRate24hLow']);
  const highOwn = num(own['successRate24hHigh']);
  if (lowOwn === undefined && highOwn === undefined) return;
  const low = lowOwn ?? num(inherited['successRate24hLow']) ?? DEFAULTS.thresholds.successRate24hLow;
  const high = highOwn ?? num(inherited['successRate24hHigh']) ?? DEFAULTS.thresholds.successRate24hHigh;
  if (low >= high) {
    const key = lowOwn !== undefined ? 'successRate24hLow' : 'successRate24hHigh';
    ctx.problems.error(
      [...path, 'thresholds', key],
      `successRate24hLow (${low}) must be below successRate24hHigh (${high})`,
    );
  }
}

function checkCa(ctx: CheckContext, server: Record<string, unknown>, index: number): void {
  const ca = str(server['ca']);
  if (ca === undefined || ctx.baseDir === null) return;
  if (!existsSync(resolve(ctx.baseDir, ca))) {
    ctx.problems.error(['servers', index, 'ca'], `CA file not found: ${resolve(ctx.baseDir, ca)}`);
  }
}

function checkWindow(ctx: CheckContext, window: Record<string, unknown>, index: number): void {
  const start = Date.parse(str(window['start']) ?? '');
  const end = Date.parse(str(window['end']) ?? '');
  if (Number.isFinite(start) && Number.isFinite(end) && start >= end) {
    ctx.problems.error(['maintenance', index, 'end'], 'must be after start');
  }
}
