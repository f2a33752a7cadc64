/** The column layout of a ring's buffer (columns.ts), the narrow-column check, and rings widening. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnsOf,
  copyColumns,
  fitsNarrow,
  NARROW_COUNT_MAX,
  NARROW_MS_MAX,
  viewFor,
  type Layout,
} from '../../src/engine/columns.js';
import {
  addSloTime,
  addToBuckets,
  cloneBuckets,
  createBuckets,
  histogramOver,
  latencyPairs,
  p95Of,
  putBucket,
  setP95,
  tallyBuckets,
  type BucketValues,
} from '../../src/engine/buckets.js';
import {
  atOf,
  cloneRecent,
  createRecent,
  creditNewest,
  packedLatencyOf,
  pushRecent,
  setPackedLatency,
  slotOf,
  weightOf,
  windowHistogram,
} from '../../src/engine/recent.js';
import { HOUR_MS } from '../../src/engine/tuning.js';

const cases: { name: string; layout: Layout; offsets: Record<string, number>; bytes: number }[] = [
  { name: 'one column', layout: { a: [Float64Array, 3] }, offsets: { a: 0 }, bytes: 24 },
  {
    name: 'widest first, in order among equals',
    layout: {
      flags: [Uint8Array, 3],
      count: [Uint16Array, 3],
      at: [Float64Array, 3],
      ms: [Uint32Array, 3],
      x: [Float64Array, 1],
    },
    offsets: { at: 0, x: 24, ms: 32, count: 44, flags: 50 },
    bytes: 53,
  },
  {
    name: 'a null column takes no room',
    layout: { a: [Int32Array, 2], b: null, c: [Uint8Array, 1] },
    offsets: { a: 0, c: 8 },
    bytes: 9,
  },
];

for (const c of cases)
  test(`columns: ${c.name}`, () => {
    const columns = columnsOf(c.layout) as unknown as Record<string, ReturnType<typeof columnsOf>['a']> & {
      bytes: number;
    };
    assert.equal(columns.bytes, c.bytes);
    assert.equal(viewFor(columns).byteLength, c.bytes);
    for (const [name, spec] of Object.entries(c.layout)) {
      const column = columns[name];
      if (spec === null) assert.equal(column, null);
      else {
        assert.deepEqual([column!.type, column!.offset, column!.length], [spec[0], c.offsets[name], spec[1]]);
      }
    }
  });

// Every element type: what a column stores and reads back, little-endian, over the typed array of its
// type at its offset (what the rings held before, and what the stored formats assume).
const types: [Layout[string] & object, number[]][] = [
  [
    [Float64Array, 3],
    [1.5, -0.25, NaN],
  ],
  [
    [Int32Array, 3],
    [-1, 2 ** 31 - 1, -(2 ** 31)],
  ],
  [
    [Uint32Array, 3],
    [0, NARROW_MS_MAX, 60_000],
  ],
  [
    [Uint16Array, 3],
    [0, NARROW_COUNT_MAX, 7],
  ],
  [
    [Uint8Array, 3],
    [0, 255, 0b1000001],
  ],
];
for (const [spec, values] of types)
  test(`columns: a ${spec[0].name} column reads what it stored, as the typed array does`, () => {
    const columns = columnsOf({ pad: [Uint8Array, 1], column: spec });
    const view = viewFor(columns);
    values.forEach((x, i) => columns.column.set(view, i, x));
    assert.deepEqual(columns.column.values(view), values);
    const typed = new spec[0](view.buffer as ArrayBuffer, columns.column.offset, spec[1]);
    assert.deepEqual([...typed], values);
    columns.column.add(view, 2, 1);
    assert.deepEqual(columns.column.get(view, 2), Number.isNaN(values[2]) ? NaN : values[2]! + 1);
    columns.column.fill(view, 0);
    assert.deepEqual(columns.column.values(view), [0, 0, 0]);
    assert.deepEqual([...new Uint8Array(view.buffer, 0, 1)], [0], 'the column before it untouched');
  });

test('columns: a view over a copied buffer holds the same values and is independent; copyColumns', () => {
  const columns = columnsOf({ at: [Float64Array, 2], n: [Uint16Array, 2] });
  const a = viewFor(columns);
  columns.at.set(a, 1, 1.5);
  columns.n.set(a, 0, 7);
  const copy = viewFor(columns, a.buffer.slice(0));
  assert.deepEqual([columns.at.get(copy, 1), columns.n.get(copy, 0)], [1.5, 7]);
  columns.n.set(copy, 0, 8);
  assert.equal(columns.n.get(a, 0), 7);
  assert.throws(() => viewFor(columns, new ArrayBuffer(3)), /buffer of 3 bytes for 20/);

  const wide = columnsOf({ at: [Float64Array, 2], n: [Int32Array, 2] });
  const to = { view: viewFor(wide), columns: wide };
  copyColumns({ view: a, columns }, to, ['at', 'n']);
  assert.deepEqual(
    [wide.at.values(to.view), wide.n.values(to.view)],
    [
      [0, 1.5],
      [7, 0],
    ],
  );
});

const fits: [number, number, boolean][] = [
  [0, NARROW_COUNT_MAX, true],
  [65_535, NARROW_COUNT_MAX, true],
  [65_536, NARROW_COUNT_MAX, false],
  [NARROW_MS_MAX, NARROW_MS_MAX, true],
  [NARROW_MS_MAX + 1, NARROW_MS_MAX, false],
  [-1, NARROW_MS_MAX, false],
  [-0, NARROW_MS_MAX, false],
  [0.5, NARROW_MS_MAX, false],
  [NaN, NARROW_MS_MAX, false],
  [Infinity, NARROW_MS_MAX, false],
];
test('columns: fitsNarrow takes only what a narrow column stores exactly', () => {
  for (const [v, max, expected] of fits)
    assert.equal(fitsNarrow(v, max), expected, `${Object.is(v, -0) ? '-0' : v} ≤ ${max}`);
});

test('rings: a value a narrow column cannot hold widens the ring, values exact, copies independent', () => {
  const hours = createBuckets(HOUR_MS, 3, { p95: true, jitter: true });
  const at = 5 * HOUR_MS;
  for (let n = 0; n < NARROW_COUNT_MAX; n++) addToBuckets(hours, at, { failedLayer: 1, latencyMs: null });
  addSloTime(hours, at, 1_000, true, true);
  assert.equal(hours.wide, false);
  const narrow = cloneBuckets(hours);
  addToBuckets(hours, at, { failedLayer: 1, latencyMs: null });
  addSloTime(hours, at, 0.25, true, true);
  assert.equal(hours.wide, true);
  const t = tallyBuckets(hours, at, 1);
  assert.deepEqual(
    [t.rounds, t.failed, t.sloMs, t.sloBadMs, t.sloJitterMs],
    [65_536, 65_536, 1_000.25, 1_000.25, 1_000.25],
  );
  assert.equal(narrow.wide, false);
  assert.equal(tallyBuckets(narrow, at, 1).rounds, NARROW_COUNT_MAX);

  const recent = createRecent(4);
  pushRecent(recent, { at, weight: 0, flags: 0, latencyMs: null });
  creditNewest(recent, 60_000);
  const copy = cloneRecent(recent);
  creditNewest(recent, NARROW_MS_MAX);
  assert.equal(recent.wide, true);
  assert.equal(weightOf(recent, 0), 60_000 + NARROW_MS_MAX);
  assert.deepEqual([copy.wide, weightOf(copy, 0)], [false, 60_000]);
});

const EMPTY: BucketValues = {
  rounds: 0,
  failed: [],
  sloMs: 0,
  sloBadMs: 0,
  sloJitterMs: 0,
  p95: null,
  latency: [],
};

// A day's latency histogram, as the day ring keeps it (one cell per bucket) and as it is stored
// ([bucket, count] pairs): samples added, and pairs put back in any order, read back as the histogram.
const days: {
  name: string;
  samplesMs: number[];
  pairs: number[] | null;
  expected: Record<number, number>;
}[] = [
  { name: 'no samples', samplesMs: [], pairs: null, expected: {} },
  {
    name: 'samples in order',
    samplesMs: [1, 100, 100, 4_000],
    pairs: null,
    expected: { 0: 1, 54: 2, 96: 1 },
  },
  { name: 'samples out of order', samplesMs: [4_000, 1, 100], pairs: null, expected: { 0: 1, 54: 1, 96: 1 } },
  {
    name: 'stored pairs',
    samplesMs: [],
    pairs: [54, 3, 0, 2, 96, 70_000],
    expected: { 0: 2, 54: 3, 96: 70_000 },
  },
  {
    name: 'stored pairs, a bucket twice, a zero count',
    samplesMs: [],
    pairs: [54, 1, 54, 2, 60, 0],
    expected: { 54: 3 },
  },
];
for (const d of days)
  test(`day ring latency: ${d.name}`, () => {
    const ring = createBuckets(24 * HOUR_MS, 3, { latency: true });
    const at = 40 * 24 * HOUR_MS;
    for (const ms of d.samplesMs) addToBuckets(ring, at, { failedLayer: -1, latencyMs: ms });
    const key = Math.floor(at / ring.spanMs);
    if (d.pairs) putBucket(ring, key, { ...EMPTY, latency: d.pairs });
    assert.deepEqual(histogramOver(ring, key - 2, key), d.expected);
    const pairs = Object.entries(d.expected).flatMap(([b, n]) => [Number(b), n]);
    assert.deepEqual(latencyPairs(ring.latency![key % 3]!), pairs);
  });

// The round ring's times: whole ms after the ring's base while narrow; the base moves back to the
// oldest time held when a time comes before it or too far after it; anything a 32-bit count of ms
// after the oldest time cannot hold exactly widens the ring. Every time reads back exactly.
const T = Date.parse('2026-12-07T10:00:00Z');
const DAY = 24 * HOUR_MS;
const rounds: { name: string; at: number[]; wide: boolean; base: number }[] = [
  { name: 'a minute apart', at: [T, T + 60_000, T + 120_000], wide: false, base: T },
  {
    name: 'one earlier than the first: the base moves back',
    at: [T, T + 60_000, T - 5_000],
    wide: false,
    base: T - 5_000,
  },
  { name: 'half-ms times a whole ms apart', at: [T + 0.5, T + 1.5], wide: false, base: T + 0.5 },
  { name: 'a quarter ms off the base', at: [T + 0.5, T + 0.75], wide: true, base: 0 },
  { name: '49 days on (2^32 ms after the first, less one)', at: [T, T + 0xffffffff], wide: false, base: T },
  { name: '50 days on, the first still held', at: [T, T + 50 * DAY], wide: true, base: 0 },
  {
    name: '80 days on, 40 after the oldest round still held: the base moves',
    at: [
      T,
      T + 1,
      T + 2,
      T + 3,
      T + 40 * DAY,
      T + 40 * DAY + 1,
      T + 40 * DAY + 2,
      T + 40 * DAY + 3,
      T + 80 * DAY,
    ],
    wide: false,
    base: T + 40 * DAY,
  },
];
for (const r of rounds)
  test(`round ring times: ${r.name}`, () => {
    const ring = createRecent(4);
    r.at.forEach((at, n) =>
      pushRecent(ring, { at, weight: 0, flags: 0, latencyMs: [n + 2, null, 1, null, null, 9] }),
    );
    assert.deepEqual([ring.wide, ring.base], [r.wide, r.base]);
    const held = r.at.slice(-4);
    assert.deepEqual(
      held.map((_, k) => atOf(ring, slotOf(ring, held.length - k))),
      held,
    );
    // Latency cells travel with their rounds through a rebase or a widening, and a copy is independent.
    const copy = cloneRecent(ring);
    const newest = slotOf(ring, 1);
    assert.equal(packedLatencyOf(copy, newest), packedLatencyOf(ring, newest));
    setPackedLatency(copy, newest, 0);
    assert.notEqual(packedLatencyOf(ring, newest), 0);
    const last = r.at.at(-1)!;
    assert.equal(
      Object.values(windowHistogram(ring, 5, last, 0.1)).reduce((a, b) => a + b, 0),
      1,
    );
  });

// An hour's p95, as the engine computes it (tenths of a ms) or as a stored state may hold it.
const p95s: { name: string; ms: number | null; wide: boolean }[] = [
  { name: 'not known', ms: null, wide: false },
  { name: 'a tenth of a ms', ms: 0.1, wide: false },
  { name: 'zero', ms: 0, wide: false },
  { name: 'tenths', ms: 1_234.5, wide: false },
  { name: 'the largest narrow', ms: (NARROW_MS_MAX - 1) / 10, wide: false },
  { name: 'past the largest narrow', ms: NARROW_MS_MAX / 10, wide: true },
  { name: 'finer than a tenth', ms: 12.34, wide: true },
];
for (const p of p95s)
  test(`hour ring p95: ${p.name}`, () => {
    const hours = createBuckets(HOUR_MS, 3, { p95: true, jitter: true });
    const at = 5 * HOUR_MS;
    addToBuckets(hours, at, { failedLayer: 2, latencyMs: null });
    setP95(hours, 5, 7.5);
    setP95(hours, 5, p.ms);
    assert.equal(hours.wide, p.wide);
    assert.equal(p95Of(hours, 5), p.ms ?? NaN);
    assert.equal(tallyBuckets(hours, at, 1).failedByLayer[2], 1, 'a widening keeps the counts');
    addToBuckets(hours, at + HOUR_MS, { failedLayer: -1, latencyMs: null });
    assert.ok(Number.isNaN(p95Of(hours, 6)), 'a new hour has none yet');
  });
