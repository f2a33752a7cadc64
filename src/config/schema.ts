/**
 * Structural validation against schema/mcpwatch.schema.json (the same file editors use for
 * completion), with ajv's errors rewritten as one plain sentence each at the right path.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ProblemCollector } from './collector.js';
import { didYouMean } from './did-you-mean.js';
import { FORMATS, formatMessage } from './formats.js';
import { formatPath, isRecord, pointerToPath, valueAt } from './path.js';

/** Where the schema ships: `schema/` at the package root, beside `src/` and `dist/`. */
export const CONFIG_SCHEMA_URL = new URL('../../schema/mcpwatch.schema.json', import.meta.url);

let compiled: ValidateFunction | null = null;

export function configSchema(): AnySchemaObject {
  return JSON.parse(readFileSync(CONFIG_SCHEMA_URL, 'utf8')) as AnySchemaObject;
}

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // coerceTypes: `port: ${PORT}` substitutes a string; it becomes a number where the schema wants one.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    coerceTypes: true,
    allowUnionTypes: true,
    strictTypes: false,
  });
  addFormatsModule.default(ajv, ['date-time']);
  for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  // Annotations that editors (VS Code, yaml-language-server) show; ajv only needs to accept them.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  compiled = ajv.compile(configSchema());
  return compiled;
}

/** Validates (and, for scalars, coerces in place) `data`; reports each problem once. */
export function checkSchema(data: unknown, problems: ProblemCollector, fromEnv: ReadonlySet<string>): void {
  const validate = validator();
  if (validate(data)) return;
  const errors = validate.errors ?? [];
  const explained = explainedByAnyOf(errors);
  for (const err of errors) {
    if (explained.has(err) || isNoise(err, errors)) continue;
    report(err, data, problems, fromEnv);
  }
}

/**
 * The errors of an anyOf's branches, which its own message explains. Ajv reports them just before
 * the anyOf error, at or below its instance path (their schema paths may point into $defs).
 */
function explainedByAnyOf(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const explained = new Set<ErrorObject>();
  errors.forEach((err, i) => {
    if (err.keyword !== 'anyOf') return;
    const base = err.instancePath;
    for (let j = i - 1; j >= 0; j--) {
      const branch = errors[j] as ErrorObject;
      const p = branch.instancePath;
      if (p !== base && !p.startsWith(`${base}/`)) break;
      explained.add(branch);
    }
  });
  return explained;
}

function isNoise(err: ErrorObject, all: readonly ErrorObject[]): boolean {
  // `if` and `propertyNames` wrap errors that are reported on their own.
  if (err.keyword === 'if' || err.keyword === 'propertyNames') return true;
  // With a wrong or missing `type`, a channel's settings cannot be judged: report the type only.
  if (err.keyword === 'unevaluatedProperties') {
    return all.some(
      (a) =>
        a.instancePath === `${err.instancePath}/type` ||
        (a.keyword === 'required' &&
          a.instancePath === err.instancePath &&
          a.params['missingProperty'] === 'type'),
    );
  }
  return false;
}

function report(
  err: ErrorObject,
  data: unknown,
  problems: ProblemCollector,
  fromEnv: ReadonlySet<string>,
): void {
  const path = pointerToPath(err.instancePath, data);
  const schema: AnySchemaObject = err.parentSchema ?? {};
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      problems.error([...path, String(params['missingProperty'])], 'is required');
      return;
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      const known = knownKeys(schema, valueAt(data, path));
      // A key of a failed `then` branch counts as unevaluated; its own error is reported already.
      if (known.includes(key)) return;
      problems.error([...path, key], `unknown key "${key}"${didYouMean(key, known)}`, { key: true });
      return;
    }
    case 'type':
      problems.error(path, typeMessage(schema));
      return;
    case 'enum':
      problems.error(path, `must be one of: ${(schema['enum'] as unknown[]).map(show).join(', ')}`);
      return;
    case 'const':
      problems.error(path, `must be ${show(params['allowedValue'])}`);
      return;
    case 'pattern':
      if (err.propertyName !== undefined) {
        const message =
          (schema['patternErrorMessage'] as string | undefined) ?? `must match ${String(schema['pattern'])}`;
        problems.error([...path, err.propertyName], `key "${err.propertyName}" ${message}`, { key: true });
      } else {
        problems.error(
          path,
          (schema['patternErrorMessage'] as string | undefined) ?? `must match ${String(schema['pattern'])}`,
        );
      }
      return;
    case 'format': {
      const secret = fromEnv.has(formatPath(path));
      problems.error(path, formatMessage(String(params['format']), valueAt(data, path), secret));
      return;
    }
    case 'anyOf':
      problems.error(path, (schema['errorMessage'] as string | undefined) ?? 'has an unexpected form');
      return;
    case 'minItems':
      problems.error(
        path,
        params['limit'] === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} items`,
      );
      return;
    case 'uniqueItems': {
      const [i, j] = [Number(params['i']), Number(params['j'])];
      const [earlier, later] = [Math.min(i, j), Math.max(i, j)];
      problems.error([...path, later], `is listed twice (also at ${formatPath([...path, earlier])})`);
      return;
    }
    default:
      problems.error(path, err.message ?? 'is invalid');
  }
}

/** The keys an object may have: its properties, and those of the `then` branch its `type` selects. */
function knownKeys(schema: AnySchemaObject, value: unknown): string[] {
  const keys = Object.keys((schema['properties'] as object | undefined) ?? {});
  const type = isRecord(value) ? value['type'] : undefined;
  for (const branch of (schema['allOf'] as AnySchemaObject[] | undefined) ?? []) {
    const selector = (branch['if'] as AnySchemaObject | undefined)?.['properties']?.['type']?.[
      'const'
    ] as unknown;
    if (selector !== undefined && selector === type) {
      keys.push(
        ...Object.keys(((branch['then'] as AnySchemaObject | undefined)?.['properties'] as object) ?? {}),
      );
    }
  }
  return keys;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map of keys',
  array: 'a list',
  null: 'empty',
};

function typeMessage(schema: AnySchemaObject): string {
  if (schema['format'] === 'mcpwatch-duration')
    return 'must be a duration like 15s or 5m, or a number of milliseconds';
  const types = ([] as unknown[]).concat(schema['type'] ?? []).map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return `must be ${types.join(' or ')}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
