/** Schema drift: the readable diff of two tool surfaces, and when a change is drift at all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTools, formatToolDiff } from '../../src/engine/index.js';
import { judgeToolChange } from '../../src/engine/drift.js';
import type { ToolDefinition } from '../../src/probe/types.js';

const search: ToolDefinition = {
  name: 'search',
  description: 'Search the docs',
  inputSchema: {
    type: 'object',
    properties: { query: { type: 'string' }, lang: { type: 'string', enum: ['en', 'fr'] } },
    required: ['query'],
  },
};
const fetchTool: ToolDefinition = {
  name: 'fetch',
  inputSchema: { type: 'object', properties: { url: { type: 'string' } } },
};

const searchV2: ToolDefinition = {
  name: 'search',
  description: 'Search the docs and the blog',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'array', items: { type: 'string' } },
      lang: { type: 'string', enum: ['en', 'de'] },
      limit: { type: 'integer' },
    },
    required: ['query', 'limit'],
  },
  annotations: { readOnlyHint: true },
};
const exportTool: ToolDefinition = { name: 'export', inputSchema: { type: 'object' } };

test('diff: tools added, removed, and what changed in a schema, path by path', () => {
  assert.deepEqual(diffTools([search, fetchTool], [searchV2, exportTool]), {
    added: ['export'],
    removed: ['fetch'],
    changed: [
      {
        name: 'search',
        changes: [
          {
            path: 'description',
            change: 'changed',
            before: '"Search the docs"',
            after: '"Search the docs and the blog"',
          },
          { path: 'inputSchema.properties.lang.enum', change: 'added', after: '"de"' },
          { path: 'inputSchema.properties.lang.enum', change: 'removed', before: '"fr"' },
          { path: 'inputSchema.properties.limit', change: 'added', after: '{"type":"integer"}' },
          { path: 'inputSchema.properties.query.items', change: 'added', after: '{"type":"string"}' },
          {
            path: 'inputSchema.properties.query.type',
            change: 'changed',
            before: '"string"',
            after: '"array"',
          },
          { path: 'inputSchema.required', change: 'added', after: '"limit"' },
          { path: 'annotations', change: 'added', after: '{"readOnlyHint":true}' },
        ],
      },
    ],
  });
});

test('the diff reads as lines a person can act on', () => {
  assert.equal(
    formatToolDiff(diffTools([search, fetchTool], [searchV2, exportTool])),
    [
      '1 tool added, 1 removed, 1 changed',
      '+ export',
      '- fetch',
      '~ search',
      '    description: "Search the docs" → "Search the docs and the blog"',
      '    inputSchema.properties.lang.enum: added "de"',
      '    inputSchema.properties.lang.enum: removed "fr"',
      '    inputSchema.properties.limit: added {"type":"integer"}',
      '    inputSchema.properties.query.items: added {"type":"string"}',
      '    inputSchema.properties.query.type: "string" → "array"',
      '    inputSchema.required: added "limit"',
      '    annotations: added {"readOnlyHint":true}',
    ].join('\n'),
  );
});

test('order of tools, properties and required names is no change', () => {
  const reordered: ToolDefinition = {
    name: 'search',
    description: 'Search the docs',
    inputSchema: {
      required: ['query'],
      properties: { lang: { enum: ['fr', 'en'], type: 'string' }, query: { type: 'string' } },
      type: 'object',
    },
  };
  assert.deepEqual(diffTools([search, fetchTool], [fetchTool, reordered]), {
    added: [],
    removed: [],
    changed: [],
  });
});

test('drift or not: same version warns, a version bump is a release, the first surface is nothing', () => {
  const same = judgeToolChange({
    previous: { serverVersion: '1.0.0', tools: [search] },
    current: { serverVersion: '1.0.0', tools: [searchV2] },
  });
  assert.ok(same !== null && same !== 'release');
  assert.match(
    same.message,
    /^tool surface changed without a server version bump \(still 1\.0\.0\): 0 tools added, 0 removed, 1 changed\n~ search\n/,
  );
  assert.equal(
    judgeToolChange({
      previous: { serverVersion: '1.0.0', tools: [search] },
      current: { serverVersion: '1.1.0', tools: [searchV2] },
    }),
    'release',
  );
  assert.equal(
    judgeToolChange({ previous: null, current: { serverVersion: '1.0.0', tools: [search] } }),
    null,
  );
  // A new fingerprint whose tools do not differ in anything compared (e.g. reordered): no warning.
  assert.equal(
    judgeToolChange({
      previous: { serverVersion: null, tools: [search] },
      current: { serverVersion: null, tools: [search] },
    }),
    null,
  );
  // Unknown versions on both sides cannot explain a change: drift.
  const unknown = judgeToolChange({
    previous: { serverVersion: null, tools: [search] },
    current: { serverVersion: null, tools: [fetchTool] },
  });
  assert.ok(unknown !== null && unknown !== 'release');
  assert.match(unknown.message, /\(still unknown\): 1 tool added, 1 removed, 0 changed/);
});

test('long diffs are capped, in the message and in the details', () => {
  const many = (n: number, type: string): ToolDefinition[] =>
    Array.from({ length: n }, (_, i) => ({ name: `t${String(i).padStart(2, '0')}`, inputSchema: { type } }));
  const judged = judgeToolChange({
    previous: { serverVersion: '1', tools: many(25, 'object') },
    current: { serverVersion: '1', tools: many(25, 'string') },
  });
  assert.ok(judged !== null && judged !== 'release');
  const lines = judged.message.split('\n');
  assert.equal(lines.length, 1 + 20 * 2 + 1);
  assert.equal(lines.at(-1), '~ … and 5 more tools');
  assert.equal((judged.details.diff as { changed: unknown[] }).changed.length, 20);
});
