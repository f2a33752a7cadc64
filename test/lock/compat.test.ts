/** compareSurfaces: which changes to a tool surface break a client and which are notes. Table-driven. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSurfaces } from '../../src/lock/compat.js';
import type { ToolDefinition } from '../../src/probe/types.js';

const search = (props: Record<string, unknown>, required: string[] = ['q'], extra = {}): ToolDefinition => ({
  name: 'search',
  description: 'Search the docs',
  inputSchema: { type: 'object', properties: props, required },
  ...extra,
});
const base = search({ q: { type: 'string' }, limit: { type: 'integer' } });
const other: ToolDefinition = { name: 'other', inputSchema: { type: 'object' } };

type Row = [name: string, after: ToolDefinition[], breaking: string[], notes: string[]];
const ROWS: Row[] = [
  ['unchanged', [base, other], [], []],
  ['a tool removed', [base], ['tool_removed other: tool "other" was removed'], []],
  [
    'a tool added',
    [base, other, { name: 'fresh', inputSchema: { type: 'object' } }],
    [],
    ['tool_added fresh: tool "fresh" was added'],
  ],
  [
    'an optional parameter added',
    [search({ q: { type: 'string' }, limit: { type: 'integer' }, lang: { type: 'string' } }), other],
    [],
    ['param_added search.lang: search: optional parameter "lang" was added'],
  ],
  [
    'a required parameter added',
    [
      search({ q: { type: 'string' }, limit: { type: 'integer' }, lang: { type: 'string' } }, ['q', 'lang']),
      other,
    ],
    ['required_added search.lang: search: required parameter "lang" was added'],
    [],
  ],
  [
    'an optional parameter made required',
    [search({ q: { type: 'string' }, limit: { type: 'integer' } }, ['q', 'limit']), other],
    ['required_added search.limit: search: parameter "limit" is now required'],
    [],
  ],
  [
    'a required parameter made optional',
    [search({ q: { type: 'string' }, limit: { type: 'integer' } }, []), other],
    [],
    ['now_optional search.q: search: parameter "q" is now optional'],
  ],
  [
    'a parameter removed',
    [search({ q: { type: 'string' } }), other],
    ['param_removed search.limit: search: parameter "limit" was removed'],
    [],
  ],
  [
    'a parameter type changed',
    [search({ q: { type: 'number' }, limit: { type: 'integer' } }), other],
    ['type_changed search.q: search: parameter "q" type changed: string → number'],
    [],
  ],
  [
    'a type widened (integer to number, or a union) is compatible',
    [search({ q: { type: ['string', 'null'] }, limit: { type: 'number' } }), other],
    [],
    [
      'type_widened search.limit: search: parameter "limit" type widened: integer → number',
      'type_widened search.q: search: parameter "q" type widened: string → null | string',
    ],
  ],
  [
    'descriptions and other schema details are notes',
    [
      search(
        { q: { type: 'string', description: 'the query' }, limit: { type: 'integer', maximum: 50 } },
        ['q'],
        { description: 'Search everything' },
      ),
      other,
    ],
    [],
    [
      'description_changed search: search: description changed',
      'changed search.limit: search: inputSchema.properties.limit.maximum: added 50',
      'description_changed search.q: search: parameter "q" description changed',
    ],
  ],
];

const line = (f: { kind: string; tool: string; parameter?: string; message: string }) =>
  `${f.kind} ${f.tool}${f.parameter ? `.${f.parameter}` : ''}: ${f.message}`;

for (const [name, after, breaking, notes] of ROWS)
  test(name, () => {
    const c = compareSurfaces([base, other], after);
    assert.deepEqual(c.breaking.map(line), breaking);
    assert.deepEqual(c.notes.map(line), notes);
  });
