/**
 * What a v1 store (full JSON rows) holds and how it must read after the migration to compact results:
 * the rows to write, and the expected reads taken from the v1 tables themselves.
 */
import assert from 'node:assert/strict';
import type { Rollup, Store, StoredResult } from '../../src/store/store.js';
import type { V1Rollup } from '../../src/store/v1-rollup.js';
import type { Histogram } from '../../src/util/histogram.js';
import type { LayerName } from '../../src/probe/types.js';
import { stored, realisticResult } from './sample.js';

const T0 = Date.UTC(2025, 5, 1, 23, 58);

/** Two servers, two regions, healthy and failing, over a day boundary, with a surface change. */
export function v1Rows(): StoredResult[] {
  const rows: StoredResult[] = [];
  for (let i = 0; i < 40; i++) {
    const at = T0 + i * 15_000;
    rows.push(
      stored(
        'alpha',
        i % 2 ? 'us' : 'eu',
        at,
        i % 7 === 3 ? { failLayer: 'initialize', code: 'timeout' } : {},
      ),
    );
    const result = realisticResult(at, i > 20 ? { fingerprint: 'sha256:new', version: '2.1.0' } : {});
    rows.push({ server: 'beta', region: 'eu', at, ok: true, result: { ...result, region: 'eu' } });
  }
  return rows;
}

export interface V1Result {
  id: number;
  server: string;
  region: string;
  at: number;
  ok: boolean | number;
  result: string;
}

/** Checks that `store` reads exactly what the v1 tables held (results newest first, every rollup). */
export async function assertReadsAsV1(store: Store, results: V1Result[], rollups: V1Rollup[]): Promise<void> {
  const got = await store.listResults({ limit: 500 });
  const want = [...results]
    .sort((a, b) => b.id - a.id)
    .map((r) => ({
      id: r.id,
      server: r.server,
      region: r.region,
      at: r.at,
      ok: r.ok === true || r.ok === 1,
      result: JSON.parse(r.result) as unknown,
    }));
  assert.equal(got.length, want.length);
  assert.deepEqual(got, want);
  got.forEach((g, i) =>
    assert.equal(JSON.stringify(g.result), results.find((r) => r.id === want[i]!.id)!.result),
  );
  for (const server of new Set(rollups.map((r) => r.server)))
    for (const g of ['minute', 'hour', 'day'] as const) {
      const expected: Rollup[] = rollups
        .filter((r) => r.server === server && r.granularity === g)
        .sort((a, b) => a.bucket - b.bucket || (a.region < b.region ? -1 : 1))
        .map((r) => ({
          server,
          region: r.region,
          granularity: g,
          bucket: r.bucket,
          total: r.total,
          failed: r.failed,
          failedByLayer: {
            transport: r.failed_transport,
            http: r.failed_http,
            initialize: r.failed_initialize,
            tools_list: r.failed_tools_list,
            tool_call: 0,
          },
          latency: JSON.parse(r.latency) as Histogram,
          layerLatency: { ...(JSON.parse(r.layer_latency) as Record<LayerName, Histogram>), tool_call: {} },
        }));
      assert.ok(expected.length > 0);
      assert.deepEqual(
        await store.rollupsByRegion(server, g, 0, T0 + 30 * 86_400_000),
        expected,
        `${server} ${g}`,
      );
    }
}
