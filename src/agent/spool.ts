/**
 * The agent's spool: every probe result is written here first and leaves only once the hub took it,
 * so results survive an unreachable hub and an agent restart, and go out in the order they were
 * probed. A directory of JSON-lines segments (`<first seq>.jsonl`, rotated at 1 MiB), the highest
 * sequence number the hub acknowledged (`acked`), and the spool's id (`id`: the hub keeps, per
 * region, the last sequence number of this id, so a batch sent twice is taken once).
 *
 * Bounded: past `maxBytes` the oldest segment is deleted, and the results in it are lost; they are
 * counted, logged by the agent, and reported to the hub with the next push (`dropped`). With the
 * 64 MiB default and results of 1–3 KB that is tens of thousands of results: hours of a few hundred
 * servers at 60 s.
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { PushedResult } from './protocol.js';

export const DEFAULT_SPOOL_MAX_BYTES = 64 * 1024 * 1024;
const SEGMENT_BYTES = 1024 * 1024;

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

export class Spool {
  readonly id: string;
  private segments: Segment[] = [];
  private acked: number;
  private nextSeq: number;
  private droppedSinceReport = 0;
  private droppedTotal = 0;
  /** Segments rotate at 1 MiB, or smaller under a small bound (so that dropping one frees little). */
  private readonly segmentBytes: number;

  constructor(
    readonly dir: string,
    readonly maxBytes: number = DEFAULT_SPOOL_MAX_BYTES,
  ) {
    this.segmentBytes = Math.min(SEGMENT_BYTES, Math.max(4096, Math.floor(maxBytes / 8)));
    mkdirSync(dir, { recursive: true });
    const idFile = join(dir, 'id');
    if (existsSync(idFile)) this.id = readFileSync(idFile, 'utf8').trim();
    else {
      this.id = randomBytes(9).toString('base64url');
      writeFileSync(idFile, `${this.id}\n`);
    }
    const ackFile = join(dir, 'acked');
    this.acked = existsSync(ackFile) ? Number(readFileSync(ackFile, 'utf8').trim()) || 0 : 0;
    for (const name of readdirSync(dir)
      .filter((n) => /^\d+\.jsonl$/.test(n))
      .sort()) {
      const file = join(dir, name);
      const items = readItems(file);
      if (items.length === 0) {
        unlinkSync(file);
        continue;
      }
      this.segments.push({
        file,
        firstSeq: items[0]!.seq,
        lastSeq: items.at(-1)!.seq,
        bytes: statSync(file).size,
      });
    }
    this.nextSeq = Math.max(this.acked, this.segments.at(-1)?.lastSeq ?? 0) + 1;
    this.removeAcked();
  }

  /** Writes a result; returns its sequence number. */
  append(item: Omit<PushedResult, 'seq'>): number {
    const seq = this.nextSeq++;
    const line = `${JSON.stringify({ seq, ...item })}\n`;
    let seg = this.segments.at(-1);
    if (!seg || seg.bytes >= this.segmentBytes) {
      seg = {
        file: join(this.dir, `${String(seq).padStart(15, '0')}.jsonl`),
        firstSeq: seq,
        lastSeq: seq,
        bytes: 0,
      };
      this.segments.push(seg);
    }
    appendFileSync(seg.file, line);
    seg.lastSeq = seq;
    seg.bytes += Buffer.byteLength(line);
    this.enforceBound();
    return seq;
  }

  /** The oldest results not yet acknowledged, up to `maxItems` and about `maxBytes` of JSON. */
  batch(maxItems: number, maxBytes: number): PushedResult[] {
    const out: PushedResult[] = [];
    let bytes = 0;
    for (const seg of this.segments) {
      if (seg.lastSeq <= this.acked) continue;
      for (const item of readItems(seg.file)) {
        if (item.seq <= this.acked) continue;
        const size = JSON.stringify(item).length;
        if (out.length >= maxItems || (out.length > 0 && bytes + size > maxBytes)) return out;
        out.push(item);
        bytes += size;
      }
    }
    return out;
  }

  /** The hub took everything up to `seq`. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.acked = seq;
    const file = join(this.dir, 'acked');
    writeFileSync(`${file}.tmp`, `${seq}\n`);
    renameSync(`${file}.tmp`, file);
    this.removeAcked();
  }

  /** Results lost to the bound since the last call (for the next push), and in all. */
  takeDropped(): number {
    const n = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    return n;
  }

  /** Gives back a count taken with takeDropped() whose push failed. */
  restoreDropped(n: number): void {
    this.droppedSinceReport += n;
  }

  stats(): { pending: number; bytes: number; dropped: number; acked: number } {
    const last = this.nextSeq - 1;
    const first = Math.max(this.acked + 1, this.segments[0]?.firstSeq ?? last + 1);
    return {
      pending: Math.max(0, last - first + 1),
      bytes: this.segments.reduce((n, s) => n + s.bytes, 0),
      dropped: this.droppedTotal,
      acked: this.acked,
    };
  }

  private removeAcked(): void {
    while (this.segments.length > 0 && this.segments[0]!.lastSeq <= this.acked) {
      unlinkSync(this.segments.shift()!.file);
    }
  }

  private enforceBound(): void {
    let total = this.segments.reduce((n, s) => n + s.bytes, 0);
    while (total > this.maxBytes && this.segments.length > 1) {
      const oldest = this.segments.shift()!;
      const lost = oldest.lastSeq - Math.max(oldest.firstSeq, this.acked + 1) + 1;
      if (lost > 0) {
        this.droppedSinceReport += lost;
        this.droppedTotal += lost;
      }
      unlinkSync(oldest.file);
      total -= oldest.bytes;
    }
  }
}

/** The items of a segment; a torn last line (a crash mid-write) is skipped. */
function readItems(file: string): PushedResult[] {
  const out: PushedResult[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    try {
      out.push(JSON.parse(line) as PushedResult);
    } catch {
      // A partial line: the write it belonged to never finished.
    }
  }
  return out;
}
