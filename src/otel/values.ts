/**
 * Reading OTLP values from the request object (the JSON encoding, or a binary message turned into
 * the same shape by proto.ts): attributes, 64-bit integers that may come as numbers or decimal
 * strings, nanosecond timestamps.
 */

/** Garbage: the request cannot be read at all (400 Bad Request). */
export class BadOtlpData extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadOtlpData';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A repeated field: absent is empty; anything but a list is garbage. */
export function listAt(o: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadOtlpData(`${where}.${key} must be a list`);
  return v;
}

/** A uint64/int64/fixed64 as a number: JSON gives numbers or decimal strings. NaN when neither. */
export function int64(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  if (v === undefined) return 0;
  return NaN;
}

/** The value of an AnyValue that mcpwatch reads (strings, integers, booleans, doubles), as text. */
export function anyValueText(v: unknown): string | null {
  if (!isObject(v)) return null;
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (v['intValue'] !== undefined) {
    const n = int64(v['intValue']);
    return Number.isNaN(n) ? null : String(n);
  }
  if (typeof v['boolValue'] === 'boolean') return String(v['boolValue']);
  if (typeof v['doubleValue'] === 'number') return String(v['doubleValue']);
  return null;
}

/**
 * The text values of the wanted attribute keys in a KeyValue list (others are skipped without
 * being read). Null when the list is malformed.
 */
export function pickAttributes<K extends string>(
  list: unknown,
  keys: readonly K[],
): Partial<Record<K, string>> | null {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) return null;
  const out: Partial<Record<K, string>> = {};
  for (const kv of list) {
    if (!isObject(kv) || typeof kv['key'] !== 'string') return null;
    const key = kv['key'] as K;
    if (!keys.includes(key)) continue;
    const text = anyValueText(kv['value']);
    if (text !== null) out[key] = text;
  }
  return out;
}

/** `service.name` of a resource, or null when it has none. */
export function serviceNameOf(resource: unknown): string | null {
  if (!isObject(resource)) return null;
  const attrs = pickAttributes(resource['attributes'], ['service.name'] as const);
  return attrs?.['service.name'] ?? null;
}
