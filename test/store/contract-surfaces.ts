/** Store contract: tool surfaces, kept whenever a server's fingerprint changes. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ToolDefinition } from '../../src/probe/types.js';
import type { StoreGetter } from './contract.js';

const T0 = Date.UTC(2025, 5, 1);

const toolsA: ToolDefinition[] = [
  {
    name: 'search_docs',
    description: 'Full-text search',
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    annotations: { readOnlyHint: true },
  },
];
const toolsB: ToolDefinition[] = [
  ...toolsA,
  { name: 'get_page', title: 'Get page', inputSchema: { type: 'object' }, outputSchema: { type: 'string' } },
];

export function surfacesContract(store: StoreGetter): void {
  it('stores a surface only when the fingerprint differs from the latest one', async () => {
    const first = await store().saveToolSurface('alpha', 'fp-a', '1.0.0', toolsA, T0);
    assert.equal(first.changed, true);
    assert.deepEqual(first.surface, {
      id: first.surface.id,
      server: 'alpha',
      fingerprint: 'fp-a',
      serverVersion: '1.0.0',
      firstSeenAt: T0,
      tools: toolsA,
    });
    const same = await store().saveToolSurface('alpha', 'fp-a', '1.0.1', toolsA, T0 + 1_000);
    assert.deepEqual(same, { surface: first.surface, changed: false });

    const second = await store().saveToolSurface('alpha', 'fp-b', null, toolsB, T0 + 2_000);
    assert.equal(second.changed, true);
    assert.ok(second.surface.id > first.surface.id);
    // Back to the first surface: it differs from the latest, so it is a change again.
    const third = await store().saveToolSurface('alpha', 'fp-a', '1.0.0', toolsA, T0 + 3_000);
    assert.equal(third.changed, true);
    // Another server with the same fingerprint is independent.
    const beta = await store().saveToolSurface('beta', 'fp-b', null, toolsB, T0 + 4_000);
    assert.equal(beta.changed, true);

    assert.deepEqual(await store().listToolSurfaces('alpha'), [
      {
        id: third.surface.id,
        server: 'alpha',
        fingerprint: 'fp-a',
        serverVersion: '1.0.0',
        firstSeenAt: T0 + 3_000,
      },
      {
        id: second.surface.id,
        server: 'alpha',
        fingerprint: 'fp-b',
        serverVersion: null,
        firstSeenAt: T0 + 2_000,
      },
      { id: first.surface.id, server: 'alpha', fingerprint: 'fp-a', serverVersion: '1.0.0', firstSeenAt: T0 },
    ]);
    assert.deepEqual(
      (await store().listToolSurfaces('alpha', 1)).map((s) => s.id),
      [third.surface.id],
    );
    assert.deepEqual(await store().listToolSurfaces('gamma'), []);
  });

  it('returns the full tool list by id', async () => {
    const { surface } = await store().saveToolSurface('alpha', 'fp-b', '2.0.0', toolsB, T0);
    assert.deepEqual(await store().getToolSurface(surface.id), {
      id: surface.id,
      server: 'alpha',
      fingerprint: 'fp-b',
      serverVersion: '2.0.0',
      firstSeenAt: T0,
      tools: toolsB,
    });
    assert.equal(await store().getToolSurface(surface.id + 1_000), null);
  });
}
