/**
 * Copies a whole store into another (SQLite or PostgreSQL, either way) in bounded batches, then
 * verifies it: per table, the source's row count, the rows copied and the target's row count must
 * agree, and so must a checksum of every row's content as each side reads it back (an
 * order-independent sum of SHA-256 digests of canonical JSON, so rows whose internal ids differ
 * between backends still compare).
 */
import { createHash } from 'node:crypto';
import { COPY_TABLES, PLAIN_TABLES, type CopyTable, type PlainTable, type StoreCopy } from './copy.js';

export interface TableReport {
  table: CopyTable;
  /** Rows in the source before the copy. */
  source: number;
  copied: number;
  /** Rows in the target after the copy. */
  target: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export interface CopyOptions {
  /** Rows per batch read and written (default 1,000): memory stays bounded by one batch. */
  batch?: number;
  /** Called after each table is copied, with the rows copied. */
  onCopied?(table: CopyTable, rows: number): void;
}

export const DEFAULT_BATCH = 1_000;

/** The rows (as canonical objects) of one table, batch by batch. */
async function* rowsOf(c: StoreCopy, table: CopyTable, batch: number): AsyncGenerator<unknown[]> {
  if (table === 'results') {
    let before: number | undefined;
    for (;;) {
      const rows = await c.store.listResults({ before, limit: batch });
      if (rows.length === 0) return;
      yield rows;
      before = rows.at(-1)!.id;
    }
  }
  if (table === 'rollups') {
    let after = null;
    for (;;) {
      const page = await c.readRollups(after, batch);
      if (page.rows.length === 0) return;
      yield page.rows;
      after = page.last;
    }
  }
  const key = PLAIN_TABLES[table as PlainTable].key;
  let after: string | number | null = null;
  for (;;) {
    const rows = await c.readRows(table as PlainTable, after, batch);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)![key] ?? null;
  }
}

async function write(c: StoreCopy, table: CopyTable, rows: unknown[]): Promise<void> {
  if (table === 'results') return c.writeResults(rows as Parameters<StoreCopy['writeResults']>[0]);
  if (table === 'rollups') return c.writeRollups(rows as Parameters<StoreCopy['writeRollups']>[0]);
  return c.writeRows(table, rows as Parameters<StoreCopy['writeRows']>[1]);
}

/** JSON with object keys sorted, so equal content gives equal text whatever built it. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

const MOD = 1n << 128n;

/** An order-independent checksum of rows: the sum of their digests' first 128 bits. */
export class Checksum {
  private sum = 0n;
  count = 0;
  add(row: unknown): void {
    const d = createHash('sha256').update(canonicalJson(row)).digest();
    this.sum = (this.sum + d.readBigUInt64BE(0) * (1n << 64n) + d.readBigUInt64BE(8)) % MOD;
    this.count += 1;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(32, '0');
  }
}

/** Reads a whole table and returns its count and checksum. */
export async function checksumTable(
  c: StoreCopy,
  table: CopyTable,
  batch = DEFAULT_BATCH,
): Promise<Checksum> {
  const sum = new Checksum();
  for await (const rows of rowsOf(c, table, batch)) for (const r of rows) sum.add(r);
  return sum;
}

/** The number of rows in every copied table of `c` (0 everywhere: an empty store). */
export async function countAll(c: StoreCopy): Promise<Record<CopyTable, number>> {
  const out = {} as Record<CopyTable, number>;
  for (const t of COPY_TABLES) out[t] = await c.count(t);
  return out;
}

/** Copies every table from `from` into `to` (which should be empty), then verifies each. */
export async function copyStore(
  from: StoreCopy,
  to: StoreCopy,
  opts: CopyOptions = {},
): Promise<TableReport[]> {
  const batch = opts.batch ?? DEFAULT_BATCH;
  const reports: TableReport[] = [];
  for (const table of COPY_TABLES) {
    const source = await from.count(table);
    const sum = new Checksum();
    for await (const rows of rowsOf(from, table, batch)) {
      for (const r of rows) sum.add(r);
      await write(to, table, rows);
    }
    opts.onCopied?.(table, sum.count);
    reports.push({
      table,
      source,
      copied: sum.count,
      target: 0,
      sourceChecksum: sum.hex,
      targetChecksum: '',
      ok: false,
    });
  }
  await to.syncIds();
  for (const r of reports) {
    const target = await checksumTable(to, r.table, batch);
    r.target = await to.count(r.table);
    r.targetChecksum = target.hex;
    r.ok =
      r.source === r.copied &&
      r.copied === r.target &&
      target.count === r.target &&
      r.sourceChecksum === r.targetChecksum;
  }
  return reports;
}
