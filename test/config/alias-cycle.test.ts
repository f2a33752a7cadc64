/**
 * An alias inside the node it names (`a: &a [*a]`) would make the config infinitely deep: it is an
 * error at the alias's line and column, for check-config and serve alike, never a stack overflow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkConfig } from '../../src/config/load.js';
import { mcpwatch } from '../cli/process.js';

const SERVERS = `servers:
  - name: docs
    url: https://docs.example.com/mcp
`;

const CASES: { name: string; yaml: string; line: number; column: number; anchor: string }[] = [
  { name: 'a list holding itself', yaml: `${SERVERS}a: &a [*a]\n`, line: 4, column: 8, anchor: 'a' },
  {
    name: 'a map holding itself, deeper down',
    yaml: `${SERVERS}defaults: &d\n  headers:\n    x: y\n  more:\n    - *d\n`,
    line: 8,
    column: 7,
    anchor: 'd',
  },
  {
    name: 'a merge key of its own map',
    yaml: `${SERVERS}x: &m\n  k: v\n  <<: *m\n`,
    line: 6,
    column: 7,
    anchor: 'm',
  },
  {
    name: 'inside a server entry',
    yaml: `servers:\n  - &s\n    name: docs\n    url: https://docs.example.com/mcp\n    tags: [*s]\n`,
    line: 5,
    column: 12,
    anchor: 's',
  },
];

describe('self-referencing YAML aliases', () => {
  for (const c of CASES)
    test(c.name, () => {
      const problems = checkConfig(c.yaml, {});
      assert.deepEqual(
        problems.map((p) => [p.line, p.column, p.severity, p.message]),
        [
          [
            c.line,
            c.column,
            'error',
            `YAML: the alias *${c.anchor} refers to the node that contains it (anchor &${c.anchor}), which would be infinitely deep`,
          ],
        ],
      );
    });

  test('an alias to an earlier sibling is fine', () => {
    const problems = checkConfig(`${SERVERS}defaults:\n  headers: &h { x: y }\nother: *h\n`, {});
    assert.ok(!problems.some((p) => /alias/.test(p.message)), JSON.stringify(problems));
  });

  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-alias-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'mcpwatch.yaml');
  writeFileSync(file, `${SERVERS}a: &a [*a]\n`);

  for (const command of ['check-config', 'serve'])
    test(`mcpwatch ${command} says so and exits`, async () => {
      const run = await mcpwatch([command, '--config', file], { timeoutMs: 20_000 });
      const text = run.stdout + run.stderr;
      assert.ok(!/Maximum call stack|RangeError/.test(text), text);
      assert.ok(text.includes(`${file}:4:8`), text);
      assert.ok(text.includes('the alias *a refers to the node that contains it'), text);
      assert.equal(run.code, command === 'serve' ? 2 : 1, text);
    });
});
