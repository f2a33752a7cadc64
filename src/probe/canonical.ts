/**
 * Canonical JSON (object keys sorted, no whitespace) and its sha256, for tool fingerprints. Written by
 * hand because it is ten lines and must refuse hostile nesting depth instead of overflowing the stack.
 */
import { createHash } from 'node:crypto';

const MAX_DEPTH = 128;

export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new RangeError('JSON nested too deeply');
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
