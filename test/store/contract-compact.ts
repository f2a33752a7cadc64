/**
 * Store contract: results are kept compact (a shared template and a few bytes per probe) yet every
 * one reads back exactly as written, JSON text included: healthy and failing probes, changed tool
 * surfaces, every layer's timings, odd values that cannot be split, regions, and after pruning.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ProbeResult } from '../../src/probe/types.js';
import type { StoredResult } from '../../src/store/store.js';
import type { StoreGetter } from './contract.js';
import { probeResult, realisticResult } from './sample.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;

type Edit = (r: ProbeResult) => void;

const row = (at: number, result: ProbeResult, server = 'alpha', region = 'eu'): StoredResult => ({
  server,
  region,
  at,
  ok: result.ok,
  result: { ...result, region },
});

const edited = (at: number, edit: Edit, base = probeResult(at)): ProbeResult => {
  const r = structuredClone(base);
  edit(r);
  return r;
};

/** Every case is written at T0 + i s and must read back byte for byte. */
const CASES: [string, (at: number) => ProbeResult][] = [
  ['healthy', (at) => probeResult(at)],
  ['healthy, realistic tool surface', (at) => realisticResult(at)],
  ['failed at transport', (at) => probeResult(at, { failLayer: 'transport', code: 'connect_refused' })],
  [
    'failed at http with status',
    (at) =>
      edited(
        at,
        (r) => (r.failure = { ...r.failure!, httpStatus: 503 }),
        probeResult(at, { failLayer: 'http', code: 'status_5xx' }),
      ),
  ],
  ['failed at initialize', (at) => probeResult(at, { failLayer: 'initialize', code: 'timeout' })],
  ['failed at tools_list', (at) => probeResult(at, { failLayer: 'tools_list', code: 'empty' })],
  [
    'changed surface and server version',
    (at) => realisticResult(at, { fingerprint: 'sha256:beef', version: '2.1.0' }),
  ],
  ['surface back to the first one', (at) => realisticResult(at)],
  [
    'every layer timed differently',
    (at) =>
      probeResult(at, {
        durationMs: 12_345.67,
        layerMs: { transport: 0.01, http: 9_999.99, initialize: 0, tools_list: 321.5 },
      }),
  ],
  [
    'transport and http sub-timings, no TLS',
    (at) =>
      edited(at, (r) => {
        Object.assign(r.layers.transport, { dnsMs: 0.06, connectMs: 5.52, tlsMs: null });
        Object.assign(r.layers.http, { ttfbMs: 24.29 });
        r.tls = null;
      }),
  ],
  [
    'timings not in hundredths',
    (at) => edited(at, (r) => ((r.durationMs = 1 / 3), (r.layers.http.ttfbMs = 1e-7))),
  ],
  ['startedAt 250 ms after at', (at) => edited(at, (r) => (r.startedAt = new Date(at + 250).toISOString()))],
  ['startedAt not in toISOString form', (at) => edited(at, (r) => (r.startedAt = '2025-06-01T12:00:00Z'))],
  ['expired certificate', (at) => edited(at, (r) => (r.tls!.daysRemaining = -3.5))],
  ['no tls key at all', (at) => edited(at, (r) => delete r.tls)],
  ['a huge duration', (at) => edited(at, (r) => (r.durationMs = 86_400_000.01))],
  [
    'warnings and an auth wall',
    (at) =>
      edited(at, (r) => {
        r.warnings = [{ code: 'slow_tools', message: 'tools/list took 2 s' }];
        r.auth = {
          required: true,
          scheme: 'Bearer',
          resourceMetadata: 'https://mcp.example.com/.well-known/x',
        };
      }),
  ],
  [
    'fields this version does not know',
    (at) =>
      edited(at, (r) => {
        (r as unknown as Record<string, unknown>)['future'] = { nested: [1, 2.5, 'x'] };
        (r.layers.http as unknown as Record<string, unknown>)['bytes'] = 1234;
      }),
  ],
  [
    'tool calls timed, one skipped',
    (at) =>
      edited(at, (r) => {
        r.layers.tool_call = {
          status: 'ok',
          durationMs: 87.65,
          calls: [
            { tool: 'echo', status: 'ok', durationMs: 41.2 },
            { tool: 'get-sum', status: 'ok', durationMs: 46.45 },
            { tool: 'gzip', status: 'skipped', durationMs: null, skipped: 'not_read_only' },
          ],
        };
      }),
  ],
  [
    'a tool call that failed',
    (at) =>
      edited(at, (r) => {
        r.ok = false;
        r.failure = { layer: 'tool_call', code: 'tool_error', message: 'echo answered isError' };
        r.layers.tool_call = {
          status: 'failed',
          durationMs: 12.5,
          calls: [
            { tool: 'echo', status: 'failed', durationMs: 12.5, code: 'tool_error', message: 'isError' },
          ],
        };
      }),
  ],
  [
    'timing given as a string',
    (at) => edited(at, (r) => ((r.layers.initialize as { durationMs: unknown }).durationMs = '40')),
  ],
];

export function compactContract(store: StoreGetter): void {
  it('reads every kind of result back exactly, JSON text included', async () => {
    const rows = CASES.map(([, make], i) => row(T0 + i * 1_000, make(T0 + i * 1_000)));
    await store().writeResults(rows);
    const got = (await store().listResults({ limit: 500 })).reverse();
    assert.equal(got.length, rows.length);
    CASES.forEach(([name], i) => {
      const { id: _id, ...g } = got[i]!;
      assert.deepEqual(g, rows[i], name);
      assert.equal(JSON.stringify(g.result), JSON.stringify(rows[i]!.result), name);
    });
  });

  it('keeps each region and server apart for the same probe', async () => {
    const rows = ['eu', 'us', 'ap'].flatMap((region, i) => [
      row(T0 + i, probeResult(T0 + i), 'alpha', region),
      row(T0 + i, probeResult(T0 + i, { failLayer: 'http' }), 'beta', region),
    ]);
    await store().writeResults(rows);
    for (const region of ['eu', 'us', 'ap']) {
      const got = await store().listResults({ region });
      assert.deepEqual(
        got.map(({ id: _id, ...r }) => r),
        rows.filter((r) => r.region === region).reverse(),
      );
      assert.ok(got.every((r) => r.result.region === region));
    }
    assert.deepEqual(
      (await store().listResults({ server: 'beta', region: 'us' })).map((r) => [r.server, r.region, r.ok]),
      [['beta', 'us', false]],
    );
  });

  it('reads what stays after pruning exactly, and stores a surface again after its last use was pruned', async () => {
    const a = row(T0, realisticResult(T0));
    const b = row(T0 + 2 * HOUR, realisticResult(T0 + 2 * HOUR));
    const lone = row(T0 + 1, realisticResult(T0 + 1, { fingerprint: 'sha256:once' }));
    await store().writeResults([a, lone]);
    await store().writeResults([b]);
    assert.equal((await store().prune(T0 + HOUR, 0)).raw, 2);
    assert.deepEqual(
      (await store().listResults({})).map(({ id: _id, ...r }) => r),
      [b],
    );
    assert.equal((await store().prune(T0 + 10 * HOUR, 0)).raw, 1);
    const c = row(T0 + 11 * HOUR, realisticResult(T0 + 11 * HOUR, { fingerprint: 'sha256:once' }));
    const d = row(T0 + 11 * HOUR + 1, realisticResult(T0 + 11 * HOUR + 1));
    await store().writeResults([c, d]);
    const got = (await store().listResults({})).map(({ id: _id, ...r }) => r);
    assert.deepEqual(got, [d, c]);
    assert.equal(JSON.stringify(got[1]!.result), JSON.stringify(c.result));
  });

  it('keeps the result and its compact form together when a batch rolls back', async () => {
    const bad = row(
      T0 + 1,
      realisticResult(T0 + 1, { fingerprint: 'sha256:rolled-back' }),
      'gamma',
      'new-region',
    );
    (bad.result as unknown as { self: unknown }).self = bad.result;
    const good = row(
      T0 + 2,
      realisticResult(T0 + 2, { fingerprint: 'sha256:rolled-back' }),
      'gamma',
      'new-region',
    );
    await assert.rejects(
      store().writeResults([
        row(T0, realisticResult(T0, { fingerprint: 'sha256:rolled-back' }), 'gamma', 'new-region'),
        bad,
      ]),
    );
    await store().writeResults([good]);
    assert.deepEqual(
      (await store().listResults({ server: 'gamma' })).map(({ id: _id, ...r }) => r),
      [good],
    );
  });
}
