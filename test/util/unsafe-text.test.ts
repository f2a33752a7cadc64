/** What counts as unsafe in remote text, and how it is shown. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { neutralise, neutraliseDeep, showBidi } from '../../src/util/unsafe-text.js';

describe('neutralise', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'tools ok', 'tools ok'],
    ['CSI erase line', 'a\x1b[2Kb', String.raw`a\u001b[2Kb`],
    ['OSC window title', '\x1b]0;pwned\x07', String.raw`\u001b]0;pwned\u0007`],
    ['8-bit CSI (C1)', 'x\x9b2J', String.raw`x\u009b2J`],
    ['DEL and NUL', '\x7f\x00', String.raw`\u007f\u0000`],
    ['carriage return', 'ok\rFAIL', String.raw`ok\u000dFAIL`],
    ['right-to-left override', 'cod\u202eexe', String.raw`cod\u202eexe`],
    ['isolates', '\u2066a\u2069', String.raw`\u2066a\u2069`],
    ['newline and tab kept', 'a\n\tb', 'a\n\tb'],
    ['accents and emoji kept', 'café ✓ 🚀', 'café ✓ 🚀'],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(neutralise(input), expected));

  test('one-line mode escapes newlines and tabs too', () =>
    assert.equal(neutralise('a\nb\tc', false), String.raw`a\u000ab\u0009c`));

  test('JSON stays valid and parses back to the same text', () => {
    const value = { name: 'x\u0085\u202e\x1b', list: ['\u2066'] };
    assert.deepEqual(JSON.parse(neutralise(JSON.stringify(value))), value);
  });

  test('neutraliseDeep reaches every string, keys included', () =>
    assert.deepEqual(neutraliseDeep({ 'k\x1b': ['v\x07', 1, null, { w: '\u202e' }] }), {
      [String.raw`k\u001b`]: [String.raw`v\u0007`, 1, null, { w: String.raw`\u202e` }],
    }));
});

describe('showBidi', () => {
  test('marks every bidi override and isolate, leaves the rest', () =>
    assert.equal(
      showBidi('a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069 café'),
      'a[U+202A]b[U+202B]c[U+202C]d[U+202D]e[U+202E]f[U+2066]g[U+2067]h[U+2068]i[U+2069] café',
    ));
});

describe('neutraliseDeep and non-plain objects', () => {
  test('an Error, a Date and a Buffer are left as they are', () => {
    const err = new Error('boom');
    const at = new Date(0);
    const buf = Buffer.from('x');
    const out = neutraliseDeep({ err, at, buf });
    assert.equal(out.err, err);
    assert.equal(out.at, at);
    assert.equal(out.buf, buf);
  });
});
