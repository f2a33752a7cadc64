/**
 * The `tool_call` layer against the fixture server: one case per code, the read-only guard (a call it
 * refuses never reaches the server), allowWrite, calls not due, and the three eras.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProbeResult, ToolCallSpec } from '../../src/probe/types.js';
import { startMcpServer, type McpServerOptions } from '../fixtures/mcp-server.js';
import { ECHO, TOOL_CALL_CASES, TOOLS, text } from './cases-tool-call.js';
import { assertFailure, got, probeChecked, type ProbeOpts } from './helpers.js';

async function run(
  calls: ToolCallSpec[],
  server: McpServerOptions = {},
  opts: ProbeOpts = {},
): Promise<{ result: ProbeResult; sent: unknown[]; wallMs: number; headers: unknown[] }> {
  const fixture = await startMcpServer({ tools: TOOLS, ...server });
  try {
    const { result, wallMs } = await probeChecked(fixture.url, { calls, ...opts });
    const reqs = fixture.requests('tools/call');
    return {
      result,
      wallMs,
      sent: reqs.map((r) => r.body?.params?.name),
      headers: reqs.map((r) => r.headers['mcp-name']),
    };
  } finally {
    await fixture.close();
  }
}

describe('codes', () => {
  const cases = TOOL_CALL_CASES;
  for (const c of cases)
    test(`${c.name}: tool_call/${c.code}`, async () => {
      const { result, sent, wallMs } = await run(c.calls, c.server, c.opts);
      assertFailure(result, {
        layer: 'tool_call',
        code: c.code,
        rpcCode: c.rpcCode,
        httpStatus: c.httpStatus,
      });
      assert.match(result.failure!.message, c.message, got(result));
      assert.deepEqual(sent, c.sent, 'tools/call requests the server got');
      const call = result.layers.tool_call!.calls[0]!;
      assert.equal(call.status, 'failed');
      assert.equal(call.code, c.code);
      assert.equal(result.layers.tool_call!.status, 'failed');
      if (c.code === 'timeout') assert.ok(wallMs < 1_500, `timed out after ${wallMs} ms`);
    });
});

describe('good calls', () => {
  test('echo with expect, weather validated: layer ok, each call timed, the layer their sum', async () => {
    const weather = { result: { content: [], structuredContent: { temperature: 12.5, conditions: 'Rain' } } };
    const { result, sent } = await run(
      [
        { ...ECHO, expect: { textContains: 'Echo: hi' } },
        { tool: 'weather', arguments: { city: 'Oslo' }, expect: { structured: { conditions: 'Rain' } } },
      ],
      { toolReplies: { weather } },
    );
    assert.equal(result.ok, true, got(result));
    assert.deepEqual(sent, ['echo', 'weather']);
    const layer = result.layers.tool_call!;
    assert.equal(layer.status, 'ok');
    assert.deepEqual(
      layer.calls.map((c) => [c.tool, c.status]),
      [
        ['echo', 'ok'],
        ['weather', 'ok'],
      ],
    );
    const sum = layer.calls.reduce((n, c) => n + c.durationMs!, 0);
    assert.ok(Math.abs(layer.durationMs! - sum) < 0.05, `${layer.durationMs} vs ${sum}`);
  });

  test('without calls the result has no tool_call layer', async () => {
    const fixture = await startMcpServer({ tools: TOOLS });
    try {
      const { result } = await probeChecked(fixture.url);
      assert.equal(result.layers.tool_call, undefined);
      assert.equal(fixture.requests('tools/call').length, 0);
    } finally {
      await fixture.close();
    }
  });

  for (const era of ['sse', 'stateless'] as const)
    test(`the ${era} era calls tools too`, async () => {
      const { result, sent, headers } = await run([{ ...ECHO, expect: { textContains: 'Echo: hi' } }], {
        era,
      });
      assert.equal(result.ok, true, got(result));
      assert.deepEqual(sent, ['echo']);
      if (era === 'stateless') assert.deepEqual(headers, ['echo'], 'Mcp-Name header');
    });
});

describe('the read-only guard', () => {
  test('tools not annotated readOnlyHint: true are never sent; a warning names them', async () => {
    const { result, sent } = await run([
      { tool: 'delete_all' },
      { tool: 'add', arguments: { a: 1, b: 2 } },
      ECHO,
    ]);
    assert.deepEqual(sent, ['echo'], 'only the read-only tool reached the server');
    assert.equal(result.ok, true, got(result));
    assert.deepEqual(
      result.layers.tool_call!.calls.map((c) => [c.tool, c.status, c.skipped ?? null]),
      [
        ['delete_all', 'skipped', 'not_read_only'],
        ['add', 'skipped', 'not_read_only'],
        ['echo', 'ok', null],
      ],
    );
    const w = result.warnings.find((x) => x.code === 'tool_call_not_read_only');
    assert.ok(w, got(result));
    assert.match(w.message, /"delete_all", "add", not annotated readOnlyHint: true; set allowWrite: true/);
  });

  test('only guarded calls: nothing sent, the layer skipped, the probe healthy', async () => {
    const { result, sent } = await run([{ tool: 'delete_all' }]);
    assert.deepEqual(sent, []);
    assert.equal(result.ok, true, got(result));
    assert.equal(result.layers.tool_call!.status, 'skipped');
    assert.equal(result.layers.tool_call!.durationMs, null);
  });

  test('allowWrite: true calls it', async () => {
    const { result, sent } = await run([{ tool: 'delete_all', allowWrite: true }], {
      toolReplies: { delete_all: text('deleted nothing') },
    });
    assert.deepEqual(sent, ['delete_all']);
    assert.equal(result.ok, true, got(result));
    assert.equal(result.warnings.length, 0);
  });
});

describe('order and scheduling', () => {
  test('after a failed call the rest are skipped, not sent', async () => {
    const { result, sent } = await run([{ tool: 'weather' }, ECHO], {
      toolReplies: { weather: text('x', true) },
    });
    assertFailure(result, { layer: 'tool_call', code: 'tool_error' });
    assert.deepEqual(sent, ['weather']);
    assert.equal(result.layers.tool_call!.calls[1]!.skipped, 'earlier_failure');
  });

  test('a call not due is listed as skipped and not sent', async () => {
    const { result, sent } = await run([{ ...ECHO, notDue: true }]);
    assert.deepEqual(sent, []);
    assert.equal(result.layers.tool_call!.calls[0]!.skipped, 'not_due');
    assert.equal(result.layers.tool_call!.status, 'skipped');
  });

  test('an earlier failure skips every call', async () => {
    const { result, sent } = await run([ECHO], { fault: { kind: 'status', status: 500, on: 'tools/list' } });
    assertFailure(result, { layer: 'tools_list', code: 'status_5xx' });
    assert.deepEqual(sent, []);
    assert.equal(result.layers.tool_call!.calls[0]!.skipped, 'earlier_failure');
  });

  test('a server without the tools capability: tool_not_found, nothing sent', async () => {
    const { result, sent } = await run([ECHO], { capabilities: {} });
    assert.deepEqual(
      [result.failure?.layer, result.failure?.code],
      ['tool_call', 'tool_not_found'],
      got(result),
    );
    assert.equal(result.layers.tools_list.status, 'skipped');
    assert.match(result.failure!.message, /declares no tools capability/);
    assert.deepEqual(sent, []);
  });
});
