/**
 * Tool calls against the reference server, @modelcontextprotocol/server-everything (Streamable HTTP):
 * its read-only `echo` and `get-structured-content` (which
 * declares an outputSchema), its `toggle-simulated-logging` (readOnlyHint: false) refused by the guard,
 * and its `trigger-long-running-operation` outlasting the deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ToolCallSpec } from '../../src/probe/types.js';
import { startPeer, type Peer } from '../fixtures/peers.js';
import { got, probeChecked } from './helpers.js';

let everything: Peer;

before(async () => {
  everything = await startPeer('everything-streamable');
});
after(async () => {
  await everything?.stop();
});

const ECHO: ToolCallSpec = {
  tool: 'echo',
  arguments: { message: 'ping' },
  expect: { textContains: 'Echo: ping' },
};
const WEATHER: ToolCallSpec = {
  tool: 'get-structured-content',
  arguments: { location: 'New York' },
  expect: { structured: { conditions: 'Cloudy' } },
};

describe('server-everything', () => {
  test('echo and get-structured-content (validated against its outputSchema) pass', async () => {
    const { result } = await probeChecked(everything.url, { calls: [ECHO, WEATHER] });
    assert.equal(result.ok, true, got(result));
    assert.deepEqual(
      result.layers.tool_call!.calls.map((c) => [c.tool, c.status]),
      [
        ['echo', 'ok'],
        ['get-structured-content', 'ok'],
      ],
    );
    assert.ok(result.layers.tool_call!.durationMs! > 0);
  });

  test('a tool annotated readOnlyHint: false is skipped with a warning', async () => {
    const { result } = await probeChecked(everything.url, {
      calls: [{ tool: 'toggle-simulated-logging' }, ECHO],
    });
    assert.equal(result.ok, true, got(result));
    assert.equal(result.layers.tool_call!.calls[0]!.skipped, 'not_read_only');
    assert.ok(result.warnings.some((w) => w.code === 'tool_call_not_read_only'));
  });

  test('unmet expectations: unexpected_output', async () => {
    const { result } = await probeChecked(everything.url, {
      calls: [{ ...WEATHER, expect: { structured: { conditions: 'Sunny' } } }],
    });
    assert.deepEqual(
      [result.failure?.layer, result.failure?.code],
      ['tool_call', 'unexpected_output'],
      got(result),
    );
    assert.match(result.failure!.message, /structuredContent.conditions is "Cloudy", expected "Sunny"/);
  });

  test('bad arguments: the server says so (tool_error or jsonrpc_error), at tool_call', async () => {
    const { result } = await probeChecked(everything.url, { calls: [{ tool: 'echo', arguments: {} }] });
    assert.equal(result.failure?.layer, 'tool_call', got(result));
    assert.ok(['tool_error', 'jsonrpc_error'].includes(result.failure!.code), got(result));
  });

  test('a long-running operation past the deadline: tool_call/timeout', async () => {
    const { result, wallMs } = await probeChecked(everything.url, {
      timeoutMs: 1_500,
      calls: [{ tool: 'trigger-long-running-operation', arguments: { duration: 10, steps: 2 } }],
    });
    assert.deepEqual([result.failure?.layer, result.failure?.code], ['tool_call', 'timeout'], got(result));
    assert.ok(wallMs < 3_000, `${wallMs} ms`);
  });

  test('a tool it does not have: tool_not_found', async () => {
    const { result } = await probeChecked(everything.url, { calls: [{ tool: 'no-such-tool' }] });
    assert.deepEqual(
      [result.failure?.layer, result.failure?.code],
      ['tool_call', 'tool_not_found'],
      got(result),
    );
  });
});
