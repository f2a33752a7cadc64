/**
 * A hostile server's text cannot drive the terminal: serverInfo, tool names and messages carrying
 * ANSI/OSC escapes, C1 controls or bidi overrides come out of `mcpwatch probe` (report and --json)
 * as visible \uXXXX escapes, and --json still round-trips the exact text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { mcpwatch } from './process.js';

const NAME = 'evil\x1b]0;pwned\x07\x1b[2K\r\u202ecod.exe';
const VERSION = '1.0\x9b2J\x7f';
const TOOL = 'echo\x1b[8m';
/** C0 except \n and \t, DEL, C1, and the bidi controls. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('remote text in CLI output', () => {
  let fixture: McpFixture;
  before(async () => {
    const tool = { name: TOOL, inputSchema: { type: 'object' } };
    fixture = await startMcpServer({ serverInfo: { name: NAME, version: VERSION }, tools: [tool, tool] });
  });
  after(() => fixture.close());

  test('the human report shows control characters as visible escapes', async () => {
    const run = await mcpwatch(['probe', fixture.url]);
    assert.equal(run.code, 0, run.stderr);
    const bad = UNSAFE.exec(run.stdout);
    assert.equal(bad, null, `raw U+${bad?.[0].codePointAt(0)?.toString(16)} on stdout:\n${run.stdout}`);
    assert.ok(
      run.stdout.includes(String.raw`evil\u001b]0;pwned\u0007\u001b[2K\u000d\u202ecod.exe 1.0\u009b2J\u007f`),
      run.stdout,
    );
    assert.ok(
      run.stdout.includes(String.raw`duplicate_tool_name: the tool name "echo\u001b[8m"`),
      run.stdout,
    );
  });

  test('--json escapes them too and still parses to the exact remote text', async () => {
    const run = await mcpwatch(['probe', fixture.url, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(UNSAFE.exec(run.stdout), null, run.stdout);
    const result = JSON.parse(run.stdout) as { server: { name: string; version: string } };
    assert.deepEqual(result.server, { name: NAME, version: VERSION });
  });
});

describe('the coloured report (a terminal on stdout)', () => {
  test('keeps only its own colour sequences', async () => {
    const { probe } = await import('../../src/probe/index.js');
    const { colors, renderReport } = await import('../../src/cli/report.js');
    const fixture = await startMcpServer({ serverInfo: { name: NAME, version: VERSION } });
    try {
      const text = renderReport(await probe(fixture.url), colors);
      const ours = text.replace(/\x1b\[(?:0|2|31|32)m/g, '');
      assert.equal(UNSAFE.exec(ours), null, JSON.stringify(ours));
      assert.ok(ours.includes(String.raw`evil\u001b]0;pwned`));
    } finally {
      await fixture.close();
    }
  });
});
