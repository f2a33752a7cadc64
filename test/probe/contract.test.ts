/** The contract itself: the repo's copy of the schema may only add to the shared one. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES, LAYERS } from '../../src/probe/types.js';
import { CONTRACT_ERROR_CODES, REPO_SCHEMA, SHARED_SCHEMA } from './contract.js';

/**
 * Where `repo` fails to keep what `shared` promises, as JSON-pointer-like paths: every key of
 * `shared` stays, enums and `required` lists keep every member (they may grow), other values are
 * equal. Keys and members only in `repo` are additions, which the contract allows.
 */
function breakingChanges(shared: unknown, repo: unknown, at = ''): string[] {
  if (Array.isArray(shared)) {
    if (!Array.isArray(repo)) return [`${at}: no longer an array`];
    const key = at.slice(at.lastIndexOf('/') + 1);
    if (key === 'enum' || key === 'required') {
      return shared
        .filter((v) => !repo.some((r) => JSON.stringify(r) === JSON.stringify(v)))
        .map((v) => `${at}: ${JSON.stringify(v)} removed`);
    }
    if (shared.length !== repo.length) return [`${at}: ${shared.length} items became ${repo.length}`];
    return shared.flatMap((v, i) => breakingChanges(v, repo[i], `${at}/${i}`));
  }
  if (shared !== null && typeof shared === 'object') {
    if (repo === null || typeof repo !== 'object' || Array.isArray(repo))
      return [`${at}: no longer an object`];
    const r = repo as Record<string, unknown>;
    return Object.entries(shared).flatMap(([k, v]) =>
      k === 'description' ? [] : k in r ? breakingChanges(v, r[k], `${at}/${k}`) : [`${at}/${k}: removed`],
    );
  }
  return shared === repo ? [] : [`${at}: ${JSON.stringify(shared)} became ${JSON.stringify(repo)}`];
}

test(
  'schema/probe-result.schema.json is ../shared/contracts or only adds to it',
  { skip: !existsSync(SHARED_SCHEMA) && 'no ../shared beside the repo' },
  () => {
    const shared: unknown = JSON.parse(readFileSync(SHARED_SCHEMA, 'utf8'));
    const repo: unknown = JSON.parse(readFileSync(REPO_SCHEMA, 'utf8'));
    assert.deepEqual(breakingChanges(shared, repo), []);
  },
);

test('the additive check: additions pass, removals and changes are named', () => {
  const base = { a: { enum: ['x', 'y'], type: 'string' }, required: ['a'], description: 'd' };
  const cases: [string, unknown, string[]][] = [
    ['identical', base, []],
    ['an enum member and a key added', { ...base, a: { enum: ['x', 'y', 'z'], type: 'string' }, b: {} }, []],
    ['a description changed', { ...base, description: 'other' }, []],
    ['an enum member removed', { ...base, a: { enum: ['x'], type: 'string' } }, ['/a/enum: "y" removed']],
    [
      'a type changed',
      { ...base, a: { enum: ['x', 'y'], type: 'number' } },
      ['/a/type: "string" became "number"'],
    ],
    ['a key removed', { a: base.a, description: 'd' }, ['/required: removed']],
    ['a required member removed', { ...base, required: [] }, ['/required: "a" removed']],
  ];
  for (const [name, repo, want] of cases) assert.deepEqual(breakingChanges(base, repo), want, name);
});

test('src/probe/types.ts lists exactly the contract error codes and layers', () => {
  assert.deepEqual([...ERROR_CODES], [...CONTRACT_ERROR_CODES]);
  const schema = JSON.parse(readFileSync(REPO_SCHEMA, 'utf8')) as {
    $defs: { layerName: { enum: string[] } };
  };
  assert.deepEqual([...LAYERS], schema.$defs.layerName.enum);
});
