/**
 * Schema drift: what changed between two tool surfaces, in words a person can act on.
 *
 * A change that comes with a new server version is a release, not drift. A change without one is a
 * P3 warning whose message is the readable diff: tools added, removed, and for each changed tool the
 * paths that changed in its schemas (a parameter added or removed, a type changed, a name added to
 * `required`), its description or title, and its annotations.
 */
import type { ToolDefinition } from '../probe/types.js';
import type { ToolSnapshot } from './types.js';
import { TUNING } from './tuning.js';

export interface SchemaChange {
  /** Where, e.g. `inputSchema.properties.limit` or `description`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Compact JSON of the value before / after (absent for an addition / removal). */
  before?: string;
  after?: string;
}

export interface ToolDiff {
  added: string[];
  removed: string[];
  changed: { name: string; changes: SchemaChange[] }[];
}

const COMPARED: readonly (keyof ToolDefinition)[] = [
  'title',
  'description',
  'inputSchema',
  'outputSchema',
  'annotations',
];

export function diffTools(before: readonly ToolDefinition[], after: readonly ToolDefinition[]): ToolDiff {
  const old = new Map(before.map((t) => [t.name, t]));
  const now = new Map(after.map((t) => [t.name, t]));
  const diff: ToolDiff = { added: [], removed: [], changed: [] };
  for (const name of [...now.keys()].sort()) if (!old.has(name)) diff.added.push(name);
  for (const name of [...old.keys()].sort()) if (!now.has(name)) diff.removed.push(name);
  for (const name of [...now.keys()].sort()) {
    const a = old.get(name);
    if (!a) continue;
    const b = now.get(name)!;
    const changes: SchemaChange[] = [];
    for (const key of COMPARED) diffValue(key, a[key], b[key], changes);
    if (changes.length > 0) diff.changed.push({ name, changes });
  }
  return diff;
}

function isEmptyDiff(d: ToolDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** A release explains a change: the version moved to a new, known value. */
export function versionBumped(before: string | null, after: string | null): boolean {
  return after !== null && after !== before;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPrimitiveList(v: unknown): v is (string | number | boolean | null)[] {
  return Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
}

function diffValue(path: string, a: unknown, b: unknown, out: SchemaChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ path, change: 'added', after: compact(b) });
  if (b === undefined) return void out.push({ path, change: 'removed', before: compact(a) });
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffValue(`${path}.${k}`, a[k], b[k], out);
    return;
  }
  // `required`, `enum`, `type: [..]`: order does not matter, say which members came and went.
  if (isPrimitiveList(a) && isPrimitiveList(b)) {
    const as = new Set(a.map((x) => JSON.stringify(x)));
    const bs = new Set(b.map((x) => JSON.stringify(x)));
    for (const x of bs) if (!as.has(x)) out.push({ path, change: 'added', after: x });
    for (const x of as) if (!bs.has(x)) out.push({ path, change: 'removed', before: x });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    out.push({ path, change: 'changed', before: compact(a), after: compact(b) });
}

function compact(v: unknown, max = 80): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function describeChange(c: SchemaChange): string {
  if (c.change === 'added') return `${c.path}: added ${c.after}`;
  if (c.change === 'removed') return `${c.path}: removed ${c.before}`;
  return `${c.path}: ${c.before} → ${c.after}`;
}

/** The diff as lines: a summary, then `+`, `-` and `~` lines per tool. */
export function formatToolDiff(d: ToolDiff): string {
  const lines = [
    `${count(d.added.length, 'tool')} added, ${d.removed.length} removed, ${d.changed.length} changed`,
    ...capped(d.added, '+'),
    ...capped(d.removed, '-'),
  ];
  for (const t of d.changed.slice(0, TUNING.driftMaxTools)) {
    lines.push(`~ ${t.name}`);
    const shown = t.changes.slice(0, TUNING.driftMaxChangesPerTool);
    lines.push(...shown.map((c) => `    ${describeChange(c)}`));
    if (t.changes.length > shown.length) lines.push(`    … and ${t.changes.length - shown.length} more`);
  }
  if (d.changed.length > TUNING.driftMaxTools)
    lines.push(`~ … and ${d.changed.length - TUNING.driftMaxTools} more tools`);
  return lines.join('\n');
}

function capped(names: string[], sign: string): string[] {
  const shown = names.slice(0, TUNING.driftMaxTools).map((n) => `${sign} ${n}`);
  const more = names.length - TUNING.driftMaxTools;
  return more > 0 ? [...shown, `${sign} … and ${more} more`] : shown;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The drift a surface change makes: null when there is nothing to warn about (a version bump, no
 * previous surface, or no difference that matters), else the warning's message and details.
 */
export function judgeToolChange(change: {
  previous: ToolSnapshot | null;
  current: ToolSnapshot;
}): { message: string; details: Record<string, unknown> } | 'release' | null {
  const { previous, current } = change;
  if (previous === null) return null;
  if (versionBumped(previous.serverVersion, current.serverVersion)) return 'release';
  const diff = diffTools(previous.tools, current.tools);
  if (isEmptyDiff(diff)) return null;
  const version = current.serverVersion ?? 'unknown';
  return {
    message: `tool surface changed without a server version bump (still ${version}): ${formatToolDiff(diff)}`,
    details: { serverVersion: current.serverVersion, diff: capDiff(diff) },
  };
}

/** The diff as kept in the warning's details: bounded like the message. */
function capDiff(d: ToolDiff): ToolDiff {
  return {
    added: d.added.slice(0, TUNING.driftMaxTools),
    removed: d.removed.slice(0, TUNING.driftMaxTools),
    changed: d.changed
      .slice(0, TUNING.driftMaxTools)
      .map((t) => ({ name: t.name, changes: t.changes.slice(0, TUNING.driftMaxChangesPerTool) })),
  };
}
