/** The contract itself: the repo's copy of the schema must not drift from the shared one. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES, LAYERS } from '../../src/probe/types.js';
import { CONTRACT_ERROR_CODES, REPO_SCHEMA, SHARED_SCHEMA } from './contract.js';

test(
  'schema/probe-result.schema.json is identical to ../shared/contracts',
  { skip: !existsSync(SHARED_SCHEMA) && 'no ../shared beside the repo' },
  () => {
    assert.equal(readFileSync(REPO_SCHEMA, 'utf8'), readFileSync(SHARED_SCHEMA, 'utf8'));
  },
);

test('src/probe/types.ts lists exactly the contract error codes and layers', () => {
  assert.deepEqual([...ERROR_CODES], [...CONTRACT_ERROR_CODES]);
  const schema = JSON.parse(readFileSync(REPO_SCHEMA, 'utf8')) as {
    $defs: { layerName: { enum: string[] } };
  };
  assert.deepEqual([...LAYERS], schema.$defs.layerName.enum);
});
