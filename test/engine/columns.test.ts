/** The column layout of a ring's buffer (columns.ts) and the narrow-column check. */
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
