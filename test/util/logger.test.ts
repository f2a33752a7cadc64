/**
 * serve's logs on a terminal (pino-pretty) carry remote text (warning messages with tool names,
 * failure messages): control characters in it come out as visible \uXXXX escapes, in the message and
 * in the fields. Only pino-pretty's own colour sequences remain.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createLogger } from '../../src/util/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-logger-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('pretty logs neutralise control characters in messages and fields', async () => {
  const file = join(dir, 'pretty.log');
  const fd = openSync(file, 'w');
  const log = createLogger({ pretty: true, level: 'info', destination: fd });
  log.warn({ reason: 'disk\x1b[2Kfull', tool: 'echo\u202eexe' }, 'warning: tool \x1b]0;pwned\x07 changed');
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  await new Promise((r) => setTimeout(r, 500)); // the transport's worker writes asynchronously
  closeSync(fd);
  const text = readFileSync(file, 'utf8');
  const withoutColours = text.replace(/\x1b\[[0-9;]*m/g, '');
  assert.doesNotMatch(
    withoutColours,
    /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/,
    JSON.stringify(text),
  );
  assert.ok(withoutColours.includes(String.raw`warning: tool \u001b]0;pwned\u0007 changed`), withoutColours);
  assert.ok(withoutColours.includes(String.raw`disk\u001b[2Kfull`), withoutColours);
  assert.ok(withoutColours.includes(String.raw`echo\u202eexe`), withoutColours);
});
