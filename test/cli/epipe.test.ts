/**
 * A reader that closes stdout early (`mcpwatch probe URL --json | head -c 0`) ends the command
 * quietly: the probe's exit status, nothing on stderr, no unhandled EPIPE.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { finished, ROOT } from './process.js';

describe('stdout closed by the reader', () => {
  let fixture: McpFixture;
  before(async () => {
    fixture = await startMcpServer({});
  });
  after(() => fixture.close());

  for (const args of [['--json'], []])
    test(`probe ${args.join(' ') || '(report)'} | head -c 0 exits quietly`, async () => {
      const child = spawn(
        'sh',
        ['-c', `node --import tsx src/cli/bin.ts probe "$URL" ${args.join(' ')} | head -c 0`],
        { cwd: ROOT, env: { ...process.env, URL: fixture.url }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const run = await finished(child, 30_000);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, '');
      assert.equal(run.code, 0);
    });

  test("the exit status is the probe's", async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'probe', fixture.url, '--json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.destroy();
    const run = await finished(child, 30_000);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.equal(run.signal, null);
  });
});
