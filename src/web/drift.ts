/**
 * The diff between two tool surfaces as the dashboard and API show it: the engine's structural diff
 * (engine/drift.ts: tools added, removed, and the schema paths that changed) with each change put in
 * plain words and flagged when it breaks agents already calling the tool (a tool removed, an
 * argument removed or newly required, an argument's type changed, an enum value dropped). Pure.
 */
import { diffTools, versionBumped, type SchemaChange } from '../engine/drift.js';
import type { ToolDefinition } from '../probe/types.js';
import type { ToolSurface } from '../store/store.js';

export interface FieldChange {
  /** Dotted path inside the tool, e.g. "inputSchema.properties.limit.type". */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** Compact JSON of the value before / after. */
  before?: string;
  after?: string;
  description: string;
  breaking: boolean;
}

export interface ToolChange {
  name: string;
  changes: FieldChange[];
  breaking: boolean;
}

export interface SurfaceRef {
  id: number;
  fingerprint: string;
  serverVersion: string | null;
  firstSeenAt: number;
}

export interface SurfaceDiff {
  from: SurfaceRef;
  to: SurfaceRef;
  added: string[];
  removed: string[];
  changed: ToolChange[];
  /** The surface changed but the server version did not move (the P3 schema_drift rule). */
  versionUnchanged: boolean;
  breaking: boolean;
}

/** "inputSchema.properties.a.properties.b" -> "a.b"; null when the path is not an argument. */
function argumentAt(path: string): string | null {
  const m = /^inputSchema((?:\.properties\.[^.]+)+)$/.exec(path);
  return m ? m[1]!.split('.properties.').filter(Boolean).join('.') : null;
}

function members(json: string | undefined): string[] {
  if (json === undefined) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : [json];
  } catch {
    return [json];
  }
}

const unquote = (json: string): string => {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'string' ? v : json;
  } catch {
    return json;
  }
};

/** One engine change in words; a whole `required`/`enum` list added or removed becomes one per member. */
export function describeChange(c: SchemaChange): FieldChange[] {
  const dot = c.path.lastIndexOf('.');
  const leaf = c.path.slice(dot + 1);
  const parent = dot < 0 ? '' : c.path.slice(0, dot);
  const input = c.path.startsWith('inputSchema');
  const base = {
    path: c.path,
    kind: c.change,
    ...(c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== undefined ? { after: c.after } : {}),
  };
  if ((leaf === 'required' || leaf === 'enum') && c.change !== 'changed') {
    const added = c.change === 'added';
    return members(added ? c.after : c.before).map((m) => {
      const value = added ? { after: m } : { before: m };
      if (leaf === 'required') {
        return {
          path: c.path,
          kind: c.change,
          ...value,
          description: `${unquote(m)} ${added ? 'became required' : 'is no longer required'}`,
          breaking: input && added,
        };
      }
      return {
        path: c.path,
        kind: c.change,
        ...value,
        description: `enum value ${m} ${added ? 'added' : 'removed'}`,
        breaking: input && !added,
      };
    });
  }
  const arg = argumentAt(c.path);
  if (arg && c.change !== 'changed') {
    return [
      { ...base, description: `argument ${arg} ${c.change}`, breaking: input && c.change === 'removed' },
    ];
  }
  const owner = argumentAt(parent);
  if (leaf === 'type' && owner && c.change === 'changed') {
    return [
      { ...base, description: `type of ${owner} changed from ${c.before} to ${c.after}`, breaking: input },
    ];
  }
  if (leaf === 'type' && owner) {
    const allows = c.change === 'added' ? `now also allows ${c.after}` : `no longer allows ${c.before}`;
    return [
      { ...base, description: `type of ${owner} ${allows}`, breaking: input && c.change === 'removed' },
    ];
  }
  const description =
    c.change === 'added'
      ? `${c.path} added: ${c.after}`
      : c.change === 'removed'
        ? `${c.path} removed (was ${c.before})`
        : `${c.path} changed from ${c.before} to ${c.after}`;
  return [{ ...base, description, breaking: input && leaf === 'type' }];
}

export function diffTool(before: ToolDefinition, after: ToolDefinition): ToolChange {
  const d = diffTools([before], [{ ...after, name: before.name }]);
  const changes = (d.changed[0]?.changes ?? []).flatMap(describeChange);
  return { name: after.name, changes, breaking: changes.some((c) => c.breaking) };
}

const ref = (s: ToolSurface): SurfaceRef => ({
  id: s.id,
  fingerprint: s.fingerprint,
  serverVersion: s.serverVersion,
  firstSeenAt: s.firstSeenAt,
});

export function diffSurfaces(from: ToolSurface, to: ToolSurface): SurfaceDiff {
  const d = diffTools(from.tools, to.tools);
  const changed = d.changed.map((t) => {
    const changes = t.changes.flatMap(describeChange);
    return { name: t.name, changes, breaking: changes.some((c) => c.breaking) };
  });
  const differs = d.added.length + d.removed.length + changed.length > 0;
  return {
    from: ref(from),
    to: ref(to),
    added: d.added,
    removed: d.removed,
    changed,
    versionUnchanged: differs && !versionBumped(from.serverVersion, to.serverVersion),
    breaking: d.removed.length > 0 || changed.some((c) => c.breaking),
  };
}
