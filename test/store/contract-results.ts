/** Store contract: raw results (round trip, filters, keyset paging, atomic batches). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StoredResult } from '../../src/store/store.js';
import type { StoreGetter } from './contract.js';
import { stored } from './sample.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

export function resultsContract(store: StoreGetter): void {
  it('stores raw rows exactly and lists them newest first with increasing ids', async () => {
    const rows = [
      stored('alpha', 'eu', T0),
      stored('alpha', 'us', T0 + 1_000, { failLayer: 'http', code: 'status_5xx' }),
      stored('beta', 'eu', T0 + 2_000, { durationMs: 987.5 }),
    ];
    await store().writeResults(rows);
    await store().writeResults([]);
    const got = await store().listResults({});
    assert.equal(got.length, 3);
    assert.deepEqual(
      got.map(({ id: _id, ...rest }) => rest),
      [...rows].reverse(),
    );
    const ids = got.map((r) => r.id!);
    assert.ok(ids[0]! > ids[1]! && ids[1]! > ids[2]!, 'ids increase with insertion');
  });

  it('filters by server, region, time (since inclusive, until exclusive) and failures', async () => {
    await store().writeResults([
      stored('alpha', 'eu', T0),
      stored('alpha', 'us', T0 + 1_000, { failLayer: 'transport' }),
      stored('alpha', 'eu', T0 + 2_000, { failLayer: 'tools_list', code: 'empty' }),
      stored('alpha', 'eu', T0 + 3_000),
      stored('beta', 'eu', T0 + 1_000, { failLayer: 'http' }),
    ]);
    const ats = (rs: StoredResult[]) => rs.map((r) => `${r.server}/${r.region}@${r.at - T0}`);
    assert.deepEqual(ats(await store().listResults({ server: 'alpha' })), [
      'alpha/eu@3000',
      'alpha/eu@2000',
      'alpha/us@1000',
      'alpha/eu@0',
    ]);
    assert.deepEqual(ats(await store().listResults({ server: 'alpha', region: 'eu' })), [
      'alpha/eu@3000',
      'alpha/eu@2000',
      'alpha/eu@0',
    ]);
    assert.deepEqual(ats(await store().listResults({ since: T0 + 1_000, until: T0 + 3_000 })), [
      'beta/eu@1000',
      'alpha/eu@2000',
      'alpha/us@1000',
    ]);
    assert.deepEqual(ats(await store().listResults({ onlyFailed: true })), [
      'beta/eu@1000',
      'alpha/eu@2000',
      'alpha/us@1000',
    ]);
    assert.deepEqual(ats(await store().listResults({ server: 'alpha', onlyFailed: true, region: 'us' })), [
      'alpha/us@1000',
    ]);
    assert.deepEqual(ats(await store().listResults({ server: 'alpha', limit: 2 })), [
      'alpha/eu@3000',
      'alpha/eu@2000',
    ]);
    assert.deepEqual(await store().listResults({ server: 'gamma' }), []);
  });

  it('pages newest first with `before` (keyset), without gaps or overlaps', async () => {
    const rows: StoredResult[] = [];
    for (let i = 0; i < 250; i++) rows.push(stored(i % 2 ? 'alpha' : 'beta', 'eu', T0 + i * 1_000));
    await store().writeResults(rows);
    const seen: number[] = [];
    const sizes: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await store().listResults({ limit: 100, ...(before === undefined ? {} : { before }) });
      if (page.length === 0) break;
      sizes.push(page.length);
      seen.push(...page.map((r) => r.at));
      before = page[page.length - 1]!.id;
    }
    assert.deepEqual(sizes, [100, 100, 50]);
    assert.deepEqual(seen, rows.map((r) => r.at).reverse());
    const alpha = await store().listResults({ server: 'alpha', limit: 10 });
    const next = await store().listResults({ server: 'alpha', limit: 10, before: alpha[9]!.id! });
    assert.deepEqual(
      next.map((r) => (r.at - T0) / 1_000),
      [229, 227, 225, 223, 221, 219, 217, 215, 213, 211],
    );
  });

  it('applies the default limit of 100 rows', async () => {
    const rows: StoredResult[] = [];
    for (let i = 0; i < 120; i++) rows.push(stored('alpha', 'eu', T0 + i));
    await store().writeResults(rows);
    assert.equal((await store().listResults({})).length, 100);
  });

  it('rolls back a whole batch that cannot be stored (raw rows and rollups)', async () => {
    await store().writeResults([stored('alpha', 'eu', T0)]);
    const bad = stored('alpha', 'eu', T0 + 1_000);
    (bad.result as unknown as { self: unknown }).self = bad.result;
    await assert.rejects(store().writeResults([stored('alpha', 'eu', T0 + 500), bad]));
    assert.equal((await store().listResults({})).length, 1);
    const [minute] = await store().rollups('alpha', 'minute', T0, T0 + 60_000);
    assert.equal(minute?.total, 1);
  });
}
