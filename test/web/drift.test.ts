/** The structural diff of tool surfaces (table-driven). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolDefinition } from '../../src/probe/types.js';
import { diffSurfaces, diffTool } from '../../src/web/drift.js';

const tool = (inputSchema: unknown, extra: Partial<ToolDefinition> = {}): ToolDefinition => ({
  name: 't',
  inputSchema,
  ...extra,
});
const obj = (properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});

const CASES: { name: string; before: ToolDefinition; after: ToolDefinition; expect: [string, boolean][] }[] =
  [
    {
      name: 'no change',
      before: tool(obj({ a: { type: 'string' } })),
      after: tool(obj({ a: { type: 'string' } })),
      expect: [],
    },
    {
      name: 'key order is not a change',
      before: tool({ type: 'object', properties: { a: { type: 'string', description: 'x' } } }),
      after: tool({ properties: { a: { description: 'x', type: 'string' } }, type: 'object' }),
      expect: [],
    },
    {
      name: 'optional argument added',
      before: tool(obj({})),
      after: tool(obj({ b: { type: 'integer' } })),
      expect: [['argument b added', false]],
    },
    {
      name: 'argument removed',
      before: tool(obj({ b: { type: 'integer' } })),
      after: tool(obj({})),
      expect: [['argument b removed', true]],
    },
    {
      name: 'argument became required',
      before: tool(obj({ a: { type: 'string' } })),
      after: tool(obj({ a: { type: 'string' } }, ['a'])),
      expect: [['a became required', true]],
    },
    {
      name: 'argument no longer required',
      before: tool(obj({ a: { type: 'string' } }, ['a'])),
      after: tool(obj({ a: { type: 'string' } }, [])),
      expect: [['a is no longer required', false]],
    },
    {
      name: 'type changed',
      before: tool(obj({ n: { type: 'integer' } })),
      after: tool(obj({ n: { type: 'number' } })),
      expect: [['type of n changed from "integer" to "number"', true]],
    },
    {
      name: 'type lists',
      before: tool(obj({ n: { type: ['string', 'null'] } })),
      after: tool(obj({ n: { type: ['string', 'integer'] } })),
      expect: [
        ['type of n now also allows "integer"', false],
        ['type of n no longer allows "null"', true],
      ],
    },
    {
      name: 'nested argument',
      before: tool(obj({ o: obj({ x: { type: 'string' } }) })),
      after: tool(obj({ o: obj({ x: { type: 'string' }, y: { type: 'string' } }) })),
      expect: [['argument o.y added', false]],
    },
    {
      name: 'enum values',
      before: tool(obj({ e: { type: 'string', enum: ['a', 'b'] } })),
      after: tool(obj({ e: { type: 'string', enum: ['b', 'c'] } })),
      expect: [
        ['enum value "c" added', false],
        ['enum value "a" removed', true],
      ],
    },
    {
      name: 'description and annotations',
      before: tool(obj({}), { description: 'old', annotations: { readOnlyHint: true } }),
      after: tool(obj({}), { description: 'new', annotations: { readOnlyHint: false } }),
      expect: [
        ['description changed from "old" to "new"', false],
        ['annotations.readOnlyHint changed from true to false', false],
      ],
    },
    {
      name: 'output schema is not an input break',
      before: tool(obj({}), { outputSchema: obj({ r: { type: 'string' } }) }),
      after: tool(obj({}), { outputSchema: obj({ r: { type: 'number' } }) }),
      expect: [['outputSchema.properties.r.type changed from "string" to "number"', false]],
    },
  ];

describe('diffTool', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const change = diffTool(c.before, c.after);
      assert.deepEqual(
        change.changes.map((x) => [x.description, x.breaking]),
        c.expect,
      );
      assert.equal(
        change.breaking,
        c.expect.some(([, b]) => b),
      );
    });
  }
});

describe('diffSurfaces', () => {
  const surface = (id: number, version: string | null, tools: ToolDefinition[]) => ({
    id,
    server: 's',
    fingerprint: `f${id}`,
    serverVersion: version,
    firstSeenAt: id,
    tools,
  });
  it('lists tools added, removed and changed, sorted, and flags an unchanged server version', () => {
    const d = diffSurfaces(
      surface(1, '1.0', [
        { ...tool(obj({})), name: 'b' },
        { ...tool(obj({})), name: 'z' },
      ]),
      surface(2, '1.0', [
        { ...tool(obj({ q: {} })), name: 'b' },
        { ...tool(obj({})), name: 'a' },
      ]),
    );
    assert.deepEqual([d.added, d.removed, d.changed.map((c) => c.name)], [['a'], ['z'], ['b']]);
    assert.equal(d.versionUnchanged, true);
    assert.equal(d.breaking, true);
  });
  it('a version bump, or no change at all, is not drift without a version bump', () => {
    const same = [tool(obj({}))];
    assert.equal(diffSurfaces(surface(1, '1.0', same), surface(2, '1.0', same)).versionUnchanged, false);
    assert.equal(
      diffSurfaces(surface(1, '1.0', same), surface(2, '1.1', [tool(obj({ x: {} }))])).versionUnchanged,
      false,
    );
  });
});
