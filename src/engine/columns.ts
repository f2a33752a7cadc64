/**
 * The columns of a ring in one ArrayBuffer, read and written through one DataView. A typed array
 * costs V8 ~96 bytes of heap besides its data and its ArrayBuffer as much again; a ring of a view per
 * column paid that per column (16 views and 3 buffers a server: ~1.8 KB of heap, a third of what a
 * server keeps alive). Here a ring holds its buffer and one DataView, and the columns are shared
 * descriptions (`Column`: element type, offset, length) of where each lies in it, one set per
 * layout for all the rings of that layout. Columns are laid out widest element type first, so that
 * every element is aligned, and copying a ring is one buffer copy.
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

/** A column's element type and length. */
export type Spec = readonly [ColumnType, number];
/** Column name → spec; a null column is not in the buffer (the ring lacks it). */
export type Layout = Record<string, Spec | null>;

const F64 = 0;
const I32 = 1;
const U32 = 2;
const U16 = 3;
const U8 = 4;
type Kind = typeof F64 | typeof I32 | typeof U32 | typeof U16 | typeof U8;

function kindOf(type: ColumnType): Kind {
  if (type === Float64Array) return F64;
  if (type === Int32Array) return I32;
  if (type === Uint32Array) return U32;
  if (type === Uint16Array) return U16;
  return U8;
}

/**
 * Where one column lies in a ring's buffer: shared by every ring of its layout, so it holds no
 * data. Reads and writes take the ring's DataView. Little-endian, as every typed array here was.
 */
export class Column {
  private readonly kind: Kind;
  /** Bytes per element. */
  private readonly width: number;

  constructor(
    readonly type: ColumnType,
    /** Byte offset of element 0. */
    readonly offset: number,
    readonly length: number,
  ) {
    this.kind = kindOf(type);
    this.width = type.BYTES_PER_ELEMENT;
  }

  get(v: DataView, i: number): number {
    const at = this.offset + i * this.width;
    switch (this.kind) {
      case F64:
        return v.getFloat64(at, true);
      case I32:
        return v.getInt32(at, true);
      case U32:
        return v.getUint32(at, true);
      case U16:
        return v.getUint16(at, true);
      default:
        return v.getUint8(at);
    }
  }

  set(v: DataView, i: number, x: number): void {
    const at = this.offset + i * this.width;
    switch (this.kind) {
      case F64:
        return v.setFloat64(at, x, true);
      case I32:
        return v.setInt32(at, x, true);
      case U32:
        return v.setUint32(at, x, true);
      case U16:
        return v.setUint16(at, x, true);
      default:
        return v.setUint8(at, x);
    }
  }

  /** Adds `x` to element `i`. */
  add(v: DataView, i: number, x: number): void {
    this.set(v, i, this.get(v, i) + x);
  }

  fill(v: DataView, x: number): void {
    for (let i = 0; i < this.length; i++) this.set(v, i, x);
  }

  /** The column's values, in element order (serialisation, tests). */
  values(v: DataView): number[] {
    return Array.from({ length: this.length }, (_, i) => this.get(v, i));
  }
}

/** The columns of a layout, null where the layout has none, and the buffer's length. */
export type Columns<L> = { readonly [K in keyof L]: null extends L[K] ? Column | null : Column } & {
  readonly bytes: number;
};

/** Column names in buffer order: widest elements first (stable), so each offset is aligned. */
function order(layout: Layout): string[] {
  const width = (name: string): number => layout[name]?.[0].BYTES_PER_ELEMENT ?? 0;
  return Object.keys(layout).sort((a, b) => width(b) - width(a));
}

/** Where each column of `layout` lies, and the buffer's length. */
export function columnsOf<L extends { [K in keyof L]: Spec | null }>(layout: L): Columns<L> {
  const specs = layout as unknown as Layout;
  const out: Record<string, Column | null | number> = {};
  let bytes = 0;
  for (const name of order(specs)) {
    const column = specs[name];
    out[name] = column ? new Column(column[0], bytes, column[1]) : null;
    if (column) bytes += column[0].BYTES_PER_ELEMENT * column[1];
  }
  out['bytes'] = bytes;
  return out as Columns<L>;
}

/** The columns of each layout in use, by the caller's name for it: made once, shared by every ring of it. */
const shared = new Map<string, unknown>();

/** The columns of the layout `key` names, `layout()` read the first time only. */
export function sharedColumnsOf<L extends { [K in keyof L]: Spec | null }>(
  key: string,
  layout: () => L,
): Columns<L> {
  let columns = shared.get(key) as Columns<L> | undefined;
  if (!columns) shared.set(key, (columns = columnsOf(layout())));
  return columns;
}

/**
 * A DataView of `buffer` (a new zeroed one by default) for rings of `columns`' layout; throws when the
 * buffer's length is not the layout's.
 */
export function viewFor(columns: { readonly bytes: number }, buffer?: ArrayBufferLike): DataView {
  const buf = buffer ?? new ArrayBuffer(columns.bytes);
  if (buf.byteLength !== columns.bytes)
    throw new Error(`columns: a buffer of ${buf.byteLength} bytes for ${columns.bytes}`);
  return new DataView(buf);
}

/** Copies every element of each column named in `names` from one ring to another of the same length. */
export function copyColumns<N extends string>(
  from: { view: DataView; columns: { readonly [K in N]: Column | null } },
  to: { view: DataView; columns: { readonly [K in N]: Column | null } },
  names: readonly N[],
): void {
  for (const name of names) {
    const a = from.columns[name];
    const b = to.columns[name];
    if (!a || !b) continue;
    for (let i = 0; i < a.length; i++) b.set(to.view, i, a.get(from.view, i));
  }
}

/** The largest value of a narrow count column (Uint16). */
export const NARROW_COUNT_MAX = 0xffff;
/** The largest value of a narrow time column (Uint32 whole ms). */
export const NARROW_MS_MAX = 0xffffffff;

/** Whether `v` is stored exactly by a narrow column holding integers up to `max`. */
export function fitsNarrow(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max && !Object.is(v, -0);
}
