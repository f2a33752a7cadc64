/**
 * Validates a tool call's structuredContent against the tool's outputSchema (2020-12, or draft-07 when
 * the schema names it). The schema comes from the server, so it is treated as hostile: bounded in
 * size, compiled by a fresh ajv (a `$id` cannot collide with another server's), with no remote refs,
 * and regular expressions too long or with nested quantifiers (catastrophic backtracking) are not
 * evaluated. Compiled validators are cached by schema hash.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { canonicalJson, sha256 } from './canonical.js';

const MAX_SCHEMA_CHARS = 64 * 1024;
const MAX_PATTERN_CHARS = 256;
const CACHE_MAX = 1_000;
const DRAFT7 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
/** A quantified group that itself holds a quantifier: (a+)+, (\w*)*, (x{2,}){3,}. */
const NESTED_QUANTIFIER = /\([^()]*[+*}][^()]*\)\s*[+*{]/;

export type OutputVerdict =
  | { ok: true }
  | { ok: false; reason: string }
  /** The schema itself cannot be used; the output was not checked. */
  | { ok: 'unchecked'; reason: string };

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};
const cache = new Map<string, Validator | string>();

const guardedRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) =>
    pattern.length > MAX_PATTERN_CHARS || NESTED_QUANTIFIER.test(pattern)
      ? { test: () => true }
      : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);

export function checkOutput(schema: unknown, value: unknown): OutputVerdict {
  const v = validatorFor(schema);
  if (typeof v === 'string') return { ok: 'unchecked', reason: v };
  try {
    if (v(value)) return { ok: true };
  } catch (err) {
    return {
      ok: 'unchecked',
      reason: `outputSchema cannot be applied: ${(err as Error).message.slice(0, 120)}`,
    };
  }
  const e = v.errors?.[0];
  return {
    ok: false,
    reason:
      `structuredContent${e?.instancePath ?? ''} ${e?.message ?? 'does not match the outputSchema'}`.slice(
        0,
        240,
      ),
  };
}

function validatorFor(schema: unknown): Validator | string {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return 'the outputSchema is not an object';
  let text: string;
  try {
    text = canonicalJson(schema);
  } catch {
    return 'the outputSchema is nested too deeply';
  }
  if (text.length > MAX_SCHEMA_CHARS) return `the outputSchema is larger than ${MAX_SCHEMA_CHARS} characters`;
  const key = sha256(text);
  let v = cache.get(key);
  if (v === undefined) {
    v = compile(schema as Record<string, unknown>);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, v);
  }
  return v;
}

function compile(schema: Record<string, unknown>): Validator | string {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: false,
    validateFormats: false,
    code: { regExp: guardedRegExp },
  });
  ajv.addMetaSchema(draft7);
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : null;
  const copy =
    dialect && !DRAFT7.test(dialect) && !dialect.includes('2020-12')
      ? { ...schema, $schema: undefined }
      : schema;
  try {
    return ajv.compile(copy) as Validator;
  } catch (err) {
    return `the outputSchema cannot be compiled: ${(err as Error).message.slice(0, 160)}`;
  }
}
