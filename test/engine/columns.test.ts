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
  putBucket,
  tallyBuckets,
  type BucketValues,
} from '../../src/engine/buckets.js';
import { cloneRecent, createRecent, creditNewest, pushRecent, weightOf } from '../../src/engine/recent.js';
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
