/**
 * Checks a tool's inputSchema: an object schema (`type: "object"`) that is valid JSON Schema, under
 * the 2020-12 dialect unless it names draft-07. Verdicts are cached by schema hash, since tools rarely
 * change between probes and meta-schema validation is the costly part.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
ajv.addMetaSchema(draft7);

const DRAFT7 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const cache = new Map<string, string | null>();
const CACHE_MAX = 50_000;

/** null when the schema is fine, otherwise why not. */
export function checkInputSchema(schema: unknown, hash: string): string | null {
  const hit = cache.get(hash);
  if (hit !== undefined) return hit;
  const verdict = judge(schema);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(hash, verdict);
  return verdict;
}

function judge(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return 'inputSchema is not an object';
  const s = schema as Record<string, unknown>;
  if (s.type !== 'object')
    return `inputSchema has type ${JSON.stringify(s.type ?? null)}; tools need an object schema`;
  const dialect = typeof s.$schema === 'string' ? s.$schema : null;
  try {
    const meta = dialect && DRAFT7.test(dialect) ? 'http://json-schema.org/draft-07/schema' : undefined;
    const ok = meta ? ajv.validate(meta, schema) : ajv.validateSchema(schema as object);
    return ok
      ? null
      : `inputSchema is not valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'inputSchema' }).slice(0, 200)}`;
  } catch (err) {
    return err instanceof RangeError
      ? 'inputSchema is nested too deeply'
      : `inputSchema cannot be checked: ${(err as Error).message.slice(0, 120)}`;
  }
}
