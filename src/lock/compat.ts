/**
 * Is a server's tool surface still compatible with the one a client was built against?
 *
 * Breaking: a tool removed, a required parameter added (or an optional one made required), a
 * parameter removed, or its type changed so that values valid before are refused now. Everything
 * else the drift diff finds (new tools, new optional parameters, new descriptions, other schema
 * details) is a note. Parameters are the top-level `inputSchema.properties`.
 */
import { describeChange, diffTools, type SchemaChange } from '../engine/drift.js';
import type { ToolDefinition } from '../probe/types.js';

export type BreakingKind = 'tool_removed' | 'required_added' | 'param_removed' | 'type_changed';
export type NoteKind =
  'tool_added' | 'param_added' | 'now_optional' | 'type_widened' | 'description_changed' | 'changed';

export interface Finding<K extends string> {
  kind: K;
  tool: string;
  parameter?: string;
  /** One line a person can act on. */
  message: string;
}

export interface Compatibility {
  breaking: Finding<BreakingKind>[];
  notes: Finding<NoteKind>[];
}

interface Params {
  properties: Record<string, unknown>;
  required: Set<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function paramsOf(schema: unknown): Params {
  const s = isObject(schema) ? schema : {};
  const properties = isObject(s.properties) ? s.properties : {};
  const required = new Set(
    Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [],
  );
  return { properties, required };
}

/** The JSON types a parameter accepts; null when it does not say (any type). */
function typesOf(param: unknown): Set<string> | null {
  const t = isObject(param) ? param.type : undefined;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return null;
}

const show = (types: Set<string> | null) => (types ? [...types].sort().join(' | ') : 'any');

/** Every value the old type accepted is still accepted (integer is a number). */
function accepts(now: Set<string> | null, before: Set<string> | null): boolean {
  if (now === null) return true;
  if (before === null) return false;
  for (const t of before) if (!now.has(t) && !(t === 'integer' && now.has('number'))) return false;
  return true;
}

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function compareSurfaces(
  locked: readonly ToolDefinition[],
  current: readonly ToolDefinition[],
): Compatibility {
  const out: Compatibility = { breaking: [], notes: [] };
  const diff = diffTools(locked, current);
  for (const tool of diff.removed)
    out.breaking.push({ kind: 'tool_removed', tool, message: `tool "${tool}" was removed` });
  for (const tool of diff.added)
    out.notes.push({ kind: 'tool_added', tool, message: `tool "${tool}" was added` });

  const before = new Map(locked.map((t) => [t.name, t]));
  const after = new Map(current.map((t) => [t.name, t]));
  for (const { name, changes } of diff.changed) {
    const a = paramsOf(before.get(name)!.inputSchema);
    const b = paramsOf(after.get(name)!.inputSchema);
    /** Change paths already said by a finding of their parameter. */
    const explained = new Set<string>();
    const param = (p: string) => `inputSchema.properties.${p}`;

    for (const p of Object.keys(a.properties).sort()) {
      if (!has(b.properties, p)) {
        out.breaking.push({
          kind: 'param_removed',
          tool: name,
          parameter: p,
          message: `${name}: parameter "${p}" was removed`,
        });
        explained.add(param(p));
        continue;
      }
      const [ta, tb] = [typesOf(a.properties[p]), typesOf(b.properties[p])];
      if (show(ta) === show(tb)) continue;
      const widened = accepts(tb, ta);
      const finding = {
        tool: name,
        parameter: p,
        message: `${name}: parameter "${p}" type ${widened ? 'widened' : 'changed'}: ${show(ta)} → ${show(tb)}`,
      };
      if (widened) out.notes.push({ kind: 'type_widened', ...finding });
      else out.breaking.push({ kind: 'type_changed', ...finding });
      explained.add(`${param(p)}.type`);
    }
    for (const p of [...b.required].sort()) {
      if (a.required.has(p)) continue;
      const isNew = !has(a.properties, p);
      out.breaking.push({
        kind: 'required_added',
        tool: name,
        parameter: p,
        message: isNew
          ? `${name}: required parameter "${p}" was added`
          : `${name}: parameter "${p}" is now required`,
      });
      if (isNew) explained.add(param(p));
    }
    for (const p of Object.keys(b.properties).sort()) {
      if (has(a.properties, p) || b.required.has(p)) continue;
      out.notes.push({
        kind: 'param_added',
        tool: name,
        parameter: p,
        message: `${name}: optional parameter "${p}" was added`,
      });
      explained.add(param(p));
    }
    for (const p of [...a.required].sort()) {
      if (b.required.has(p) || !has(b.properties, p)) continue;
      out.notes.push({
        kind: 'now_optional',
        tool: name,
        parameter: p,
        message: `${name}: parameter "${p}" is now optional`,
      });
    }
    for (const c of changes) {
      if (c.path === 'inputSchema.required' || isExplained(c, explained)) continue;
      out.notes.push(noteOf(name, c, a, b));
    }
  }
  return out;
}

function isExplained(c: SchemaChange, explained: ReadonlySet<string>): boolean {
  for (const path of explained)
    if (c.path === path || c.path.startsWith(`${path}.`) || c.path.startsWith(`${path}[`)) return true;
  return false;
}

function noteOf(tool: string, c: SchemaChange, a: Params, b: Params): Finding<NoteKind> {
  const parameter = parameterOf(c.path, a, b);
  const isDescription =
    c.path === 'description' ||
    c.path === 'title' ||
    (parameter !== undefined && c.path === `inputSchema.properties.${parameter}.description`);
  return {
    kind: isDescription ? 'description_changed' : 'changed',
    tool,
    ...(parameter !== undefined ? { parameter } : {}),
    message: isDescription
      ? `${tool}: ${parameter !== undefined ? `parameter "${parameter}" ` : ''}${c.path.endsWith('title') ? 'title' : 'description'} changed`
      : `${tool}: ${describeChange(c)}`,
  };
}

/** The parameter a change path is under (the longest matching name, since names may hold dots). */
function parameterOf(path: string, a: Params, b: Params): string | undefined {
  const prefix = 'inputSchema.properties.';
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  let best: string | undefined;
  for (const p of new Set([...Object.keys(a.properties), ...Object.keys(b.properties)]))
    if (
      (rest === p || rest.startsWith(`${p}.`) || rest.startsWith(`${p}[`)) &&
      p.length > (best?.length ?? -1)
    )
      best = p;
  return best;
}
