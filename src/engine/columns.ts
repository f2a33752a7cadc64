/**
 * The columns of a ring in one ArrayBuffer. Each typed array costs V8 about 200 bytes besides its
 * data (the view and its ArrayBuffer, ~96 bytes each on the heap); a ring of separate arrays paid
 * that per column. Here the columns are views at offsets of one buffer, widest element type first
 * so that every view is aligned, and copying a ring is one buffer copy.
 *
 * Narrow columns: a ring starts with the narrowest types that hold what it records in practice
 * (counts in 16 bits, whole-ms times in 32) and switches, whole, to the wide layout (32-bit counts,
 * doubles: the types the rings always had) before it would write a value a narrow column cannot
 * hold exactly. So narrowing never rounds or wraps anything; it only costs a copy the first time.
 */

export type ColumnType =
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/** Column name → [element type, length]; a null column has no view (the ring lacks it). */
export type Layout = Record<string, readonly [ColumnType, number] | null>;

/**
 * A column whichever its element type (a narrow and a wide ring differ only in those): what the engine
 * reads and writes of one. Every typed array above is one.
 */
export interface Column {
  [index: number]: number;
  readonly length: number;
  set(values: ArrayLike<number>, offset?: number): void;
  fill(value: number, start?: number, end?: number): this;
  every(predicate: (value: number, index: number) => unknown): boolean;
  reduce(f: (sum: number, value: number, index: number) => number, initial: number): number;
}

/** Column names in buffer order: widest elements first (stable), so each offset is aligned. */
function order(layout: Layout): string[] {
  const width = (name: string): number => layout[name]?.[0].BYTES_PER_ELEMENT ?? 0;
  return Object.keys(layout).sort((a, b) => width(b) - width(a));
}

/** Byte offset of each column and the buffer's length. */
export function offsetsOf(layout: Layout): { offsets: Record<string, number>; bytes: number } {
  const offsets: Record<string, number> = {};
  let bytes = 0;
  for (const name of order(layout)) {
    const column = layout[name];
    if (!column) continue;
    offsets[name] = bytes;
    bytes += column[0].BYTES_PER_ELEMENT * column[1];
  }
  return { offsets, bytes };
}

/** Views of `buffer` (a new zeroed one by default) laid out as `layout` says, null for a null column. */
export function viewsOf(
  layout: Layout,
  buffer?: ArrayBuffer,
): { buffer: ArrayBuffer; views: Record<string, Column | null> } {
  const { offsets, bytes } = offsetsOf(layout);
  const buf = buffer ?? new ArrayBuffer(bytes);
  if (buf.byteLength !== bytes) throw new Error(`columns: a buffer of ${buf.byteLength} bytes for ${bytes}`);
  const views: Record<string, Column | null> = {};
  for (const name of Object.keys(layout)) {
    const column = layout[name];
    views[name] = column ? new column[0](buf, offsets[name], column[1]) : null;
  }
  return { buffer: buf, views };
}

/** The largest value of a narrow count column (Uint16). */
export const NARROW_COUNT_MAX = 0xffff;
/** The largest value of a narrow time column (Uint32 whole ms). */
export const NARROW_MS_MAX = 0xffffffff;

/** Whether `v` is stored exactly by a narrow column holding integers up to `max`. */
export function fitsNarrow(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max && !Object.is(v, -0);
}
