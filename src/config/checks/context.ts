/**
 * What every semantic check gets, and small readers that tolerate wrong shapes: the schema has
 * already reported those, and the checks still run so that one pass lists every problem.
 */
import { parseDuration } from '../../util/duration.js';
import type { ProblemCollector } from '../collector.js';
import { formatPath, isRecord, type Path } from '../path.js';

export interface CheckContext {
  data: unknown;
  problems: ProblemCollector;
  /** Formatted paths whose value came from the environment. */
  fromEnv: ReadonlySet<string>;
  /** Directory of the config file (for relative paths such as `ca`), null when unknown. */
  baseDir: string | null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function rec(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Milliseconds, or undefined when absent or invalid (the schema reports invalid ones). */
export function ms(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseDuration(value);
  } catch {
    return undefined;
  }
}

/** A value for a message: quoted, unless it came from the environment. */
export function shown(ctx: CheckContext, path: Path, value: string): string {
  return ctx.fromEnv.has(formatPath(path)) ? '(a value from the environment)' : `"${value}"`;
}

/** The names in `items[*][key]` that are strings, with their index. */
export function namesOf(items: unknown, key: string): { name: string; index: number }[] {
  const out: { name: string; index: number }[] = [];
  list(items).forEach((item, index) => {
    const name = str(rec(item)[key]);
    if (name !== undefined) out.push({ name, index });
  });
  return out;
}
