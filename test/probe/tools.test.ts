/**
 * tools/list beyond the first page, and the fingerprint: it must be the sha256 of the canonical
 * (key-sorted) JSON of [{name, inputSchema}] sorted by name, computed here independently, stable
 * across probes and eras, and change when (and only where) a schema changes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ProbeResult } from '../../src/probe/types.js';
import { startMcpServer, type McpServerOptions } from '../fixtures/mcp-server.js';
import { DEFAULT_TOOLS, manyTools, type FixtureTool } from '../fixtures/mcp-tools.js';
import { assertHealthy, probeChecked } from './helpers.js';

async function probeTools(
  opts: McpServerOptions,
): Promise<{ result: ProbeResult; listCalls: number; cursors: unknown[] }> {
  const fixture = await startMcpServer(opts);
  try {
    const { result } = await probeChecked(fixture.url);
    const calls = fixture.requests('tools/list');
    return { result, listCalls: calls.length, cursors: calls.map((c) => c.body?.params?.cursor) };
  } finally {
    await fixture.close();
  }
}

/** Key-sorted JSON, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

function expectedFingerprint(tools: FixtureTool[]): string {
  const surface = tools
    .map((t) => ({ name: t.name as string, inputSchema: t.inputSchema }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256(canonical(surface));
}

describe('paging', () => {
  test('7 tools in pages of 3: count 7, 3 pages, cursors followed', async () => {
    const { result, listCalls, cursors } = await probeTools({ tools: manyTools(7), pageSize: 3 });
    assertHealthy(result);
    assert.equal(result.tools?.count, 7);
    assert.equal(result.tools?.pages, 3);
    assert.equal(listCalls, 3);
    assert.deepEqual(cursors, [undefined, 'page-1', 'page-2']);
  });

  test('stateless era pages too', async () => {
    const { result } = await probeTools({ era: 'stateless', tools: manyTools(5), pageSize: 2 });
    assertHealthy(result);
    assert.equal(result.tools?.count, 5);
    assert.equal(result.tools?.pages, 3);
  });

  test('legacy SSE era pages too', async () => {
    const { result } = await probeTools({ era: 'sse', tools: manyTools(4), pageSize: 2 });
    assertHealthy(result);
    assert.equal(result.tools?.count, 4);
    assert.equal(result.tools?.pages, 2);
  });
});

describe('fingerprint', () => {
  test('is the sha256 of the canonical [{name, inputSchema}] sorted by name', async () => {
    const { result } = await probeTools({});
    assertHealthy(result);
    assert.equal(result.tools?.fingerprint, expectedFingerprint(DEFAULT_TOOLS));
    for (const tool of DEFAULT_TOOLS) {
      const item = result.tools?.items.find((i) => i.name === tool.name);
      assert.ok(item, `item for ${String(tool.name)}`);
      assert.match(item.inputSchemaHash, /^sha256:[0-9a-f]{64}$/);
    }
  });

  test('stable across two probes, tool order and eras', async () => {
    const a = await probeTools({});
    const b = await probeTools({});
    const reversed = await probeTools({ tools: [...DEFAULT_TOOLS].reverse() });
    const stateless = await probeTools({ era: 'stateless' });
    const sse = await probeTools({ era: 'sse' });
    const fp = a.result.tools?.fingerprint;
    assert.ok(fp);
    for (const other of [b, reversed, stateless, sse]) assert.equal(other.result.tools?.fingerprint, fp);
  });

  test('changes when one schema changes, and only that tool hash changes', async () => {
    const changed = DEFAULT_TOOLS.map((t) =>
      t.name === 'add'
        ? {
            ...t,
            inputSchema: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'number' } } },
          }
        : t,
    );
    const before = await probeTools({});
    const after = await probeTools({ tools: changed });
    assertHealthy(after.result);
    assert.notEqual(after.result.tools?.fingerprint, before.result.tools?.fingerprint);
    assert.equal(after.result.tools?.fingerprint, expectedFingerprint(changed));
    const hash = (r: ProbeResult, name: string) =>
      r.tools?.items.find((i) => i.name === name)?.inputSchemaHash;
    assert.notEqual(hash(after.result, 'add'), hash(before.result, 'add'));
    assert.equal(hash(after.result, 'echo'), hash(before.result, 'echo'));
    assert.equal(hash(after.result, 'now'), hash(before.result, 'now'));
  });

  test('ignores descriptions and annotations', async () => {
    const reworded = DEFAULT_TOOLS.map((t) => ({
      ...t,
      description: `${t.description} (v2)`,
      annotations: { title: 'x' },
    }));
    const before = await probeTools({});
    const after = await probeTools({ tools: reworded });
    assert.equal(after.result.tools?.fingerprint, before.result.tools?.fingerprint);
  });
});
