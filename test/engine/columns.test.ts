/** The column layout of a ring's buffer (columns.ts), the narrow-column check, and rings widening. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fitsNarrow,
  NARROW_COUNT_MAX,
  NARROW_MS_MAX,
  offsetsOf,
  viewsOf,
  type Layout,
} from '../../src/engine/columns.js';
import {
  addSloTime,
  addToBuckets,
  cloneBuckets,
  createBuckets,
  tallyBuckets,
} from '../../src/engine/buckets.js';
import { cloneRecent, createRecent, creditNewest, pushRecent } from '../../src/engine/recent.js';
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
    assert.deepEqual(offsetsOf(c.layout), { offsets: c.offsets, bytes: c.bytes });
    const { buffer, views } = viewsOf(c.layout);
    assert.equal(buffer.byteLength, c.bytes);
    for (const [name, column] of Object.entries(c.layout)) {
      const view = views[name] as unknown as Uint8Array | null;
      if (column === null) assert.equal(view, null);
      else {
        assert.ok(view instanceof column[0], name);
        assert.equal(view.length, column[1]);
        assert.equal(view.byteOffset, c.offsets[name]);
        assert.equal(view.buffer, buffer);
      }
    }
  });

test('columns: views over a copied buffer hold the same values and are independent', () => {
  const layout: Layout = { at: [Float64Array, 2], n: [Uint16Array, 2] };
  const { buffer, views: a } = viewsOf(layout);
  a['at']![1] = 1.5;
  a['n']![0] = 7;
  const copy = viewsOf(layout, buffer.slice(0)).views;
  assert.deepEqual([copy['at']![1], copy['n']![0]], [1.5, 7]);
  copy['n']![0] = 8;
  assert.equal(a['n']![0], 7);
  assert.throws(() => viewsOf(layout, new ArrayBuffer(3)), /buffer of 3 bytes for 20/);
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
  assert.equal(recent.weight[0], 60_000 + NARROW_MS_MAX);
  assert.deepEqual([copy.wide, copy.weight[0]], [false, 60_000]);
});
