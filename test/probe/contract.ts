/**
 * The ProbeResult contract, checked with ajv (JSON Schema 2020-12 + formats). Results are checked
 * against the repo's copy in schema/ (what this code emits); contract.test.ts holds that copy to
 * ../shared/contracts beside the repo: identical, or an additive extension of it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_SCHEMA = path.resolve(REPO, '../shared/contracts/probe-result.schema.json');
export const REPO_SCHEMA = path.join(REPO, 'schema/probe-result.schema.json');
export const SCHEMA_PATH = REPO_SCHEMA;

// ajv and ajv-formats are CommonJS modules that also export themselves as `default`: under
// NodeNext the default import is module.exports, so the class and the plugin sit on `.default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: { errorCode: { enum: string[] } } };
const validate = ajv.compile(schema);

/** Every error code the contract defines. */
export const CONTRACT_ERROR_CODES: readonly string[] = schema.$defs.errorCode.enum;

/** Fails with ajv's errors (and the result) when `result` does not match the contract. */
export function assertMatchesContract(result: unknown): void {
  if (validate(result)) return;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  assert.fail(
    `ProbeResult violates the contract (${SCHEMA_PATH}): ${errors}\n${JSON.stringify(result, null, 2)}`,
  );
}
