/** Store contract: minute/hour/day rollups, daily bars, latency quantiles, retention. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LayerName } from '../../src/probe/types.js';
import type { Granularity, Rollup } from '../../src/store/store.js';
import { quantile, record, type Histogram } from '../../src/util/histogram.js';
import type { StoreGetter } from './contract.js';
import { stored } from './sample.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Midnight UTC starting 2025-04-01. */
const APR1 = Date.UTC(2025, 3, 1);

function hist(...values: number[]): Histogram {
  const h: Histogram = {};
  for (const v of values) record(h, v);
  return h;
}

function counts(t = 0, h = 0, i = 0, l = 0, c = 0): Record<LayerName, number> {
  return { transport: t, http: h, initialize: i, tools_list: l, tool_call: c };
}

const summary = (rs: Rollup[]) =>
  rs.map((r) => ({ region: r.region, bucket: r.bucket, total: r.total, failed: r.failed }));

async function count(store: StoreGetter, g: Granularity): Promise<number> {
  return (await store().rollupsByRegion('alpha', g, 0, APR1 + 400 * DAY)).length;
}

export function rollupsContract(store: StoreGetter): void {
  it('puts probes in UTC minute, hour and day buckets at their exact edges', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1 - 1),
      stored('alpha', 'eu', APR1),
      stored('alpha', 'eu', APR1 + MIN - 1, { failLayer: 'http' }),
      stored('alpha', 'eu', APR1 + MIN),
    ]);
    const since = APR1 - DAY;
    const until = APR1 + DAY;
    const row = (region: string, bucket: number, total: number, failed: number) => ({
      region,
      bucket,
      total,
      failed,
    });
    assert.deepEqual(summary(await store().rollups('alpha', 'minute', since, until, 'eu')), [
      row('eu', APR1 - MIN, 1, 0),
      row('eu', APR1, 2, 1),
      row('eu', APR1 + MIN, 1, 0),
    ]);
    assert.deepEqual(summary(await store().rollups('alpha', 'hour', since, until, 'eu')), [
      row('eu', APR1 - HOUR, 1, 0),
      row('eu', APR1, 3, 1),
    ]);
    assert.deepEqual(summary(await store().rollups('alpha', 'day', since, until, 'eu')), [
      row('eu', APR1 - DAY, 1, 0),
      row('eu', APR1, 3, 1),
    ]);
    const [r] = await store().rollups('alpha', 'minute', APR1, APR1 + 1, 'eu');
    assert.equal(r?.server, 'alpha');
    assert.equal(r?.granularity, 'minute');
  });

  it('counts failures by first failed layer; latency only from ok probes and ok layers', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1 + 1_000, { durationMs: 100 }),
      stored('alpha', 'eu', APR1 + 2_000, { durationMs: 300, layerMs: { tools_list: 250 } }),
      stored('alpha', 'eu', APR1 + 3_000, {
        durationMs: 5_000,
        failLayer: 'transport',
        layerMs: { transport: 5_000 },
      }),
      stored('alpha', 'eu', APR1 + 4_000, {
        durationMs: 10_070,
        failLayer: 'initialize',
        layerMs: { initialize: 10_000 },
      }),
    ]);
    const expected: Omit<Rollup, 'granularity' | 'bucket'> = {
      server: 'alpha',
      region: 'eu',
      total: 4,
      failed: 2,
      failedByLayer: counts(1, 0, 1, 0),
      latency: hist(100, 300),
      layerLatency: {
        transport: hist(20, 20, 20),
        http: hist(30, 30, 30),
        initialize: hist(40, 40),
        tools_list: hist(30, 250),
        tool_call: {},
      },
    };
    for (const g of ['minute', 'hour', 'day'] as const) {
      const rs = await store().rollups('alpha', g, APR1, APR1 + DAY, 'eu');
      assert.deepEqual(rs, [{ ...expected, granularity: g, bucket: APR1 }]);
    }
  });

  it('lets the stored verdict `ok` decide failure (an expected 401 is healthy)', async () => {
    const row = stored('alpha', 'eu', APR1, { failLayer: 'http', code: 'auth_required', durationMs: 50 });
    await store().writeResults([{ ...row, ok: true }]);
    const [r] = await store().rollups('alpha', 'minute', APR1, APR1 + MIN);
    assert.equal(r?.total, 1);
    assert.equal(r?.failed, 0);
    assert.deepEqual(r?.failedByLayer, counts());
    assert.deepEqual(r?.latency, hist(50));
  });

  it('merges counts and histograms across batches into the same bucket', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1, { durationMs: 100 }),
      stored('alpha', 'eu', APR1 + 5, { durationMs: 200 }),
    ]);
    await store().writeResults([
      stored('alpha', 'eu', APR1 + 10, { durationMs: 100, failLayer: 'tools_list' }),
    ]);
    await store().writeResults([stored('alpha', 'eu', APR1 + 20, { durationMs: 100 })]);
    for (const g of ['minute', 'hour', 'day'] as const) {
      const [r] = await store().rollups('alpha', g, APR1, APR1 + 1, 'eu');
      assert.equal(r?.total, 4);
      assert.equal(r?.failed, 1);
      assert.deepEqual(r?.failedByLayer, counts(0, 0, 0, 1));
      assert.deepEqual(r?.latency, hist(100, 200, 100));
      assert.deepEqual(r?.layerLatency.initialize, hist(40, 40, 40, 40));
      assert.deepEqual(r?.layerLatency.tools_list, hist(30, 30, 30));
    }
  });

  it('merges regions per bucket without a region, and keeps them apart with one', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1, { durationMs: 100 }),
      stored('alpha', 'us', APR1 + 1, { failLayer: 'transport' }),
      stored('alpha', 'ap', APR1 + HOUR, { durationMs: 400 }),
      stored('beta', 'eu', APR1, { durationMs: 999 }),
    ]);
    const merged = await store().rollups('alpha', 'hour', APR1, APR1 + DAY);
    assert.deepEqual(summary(merged), [
      { region: '*', bucket: APR1, total: 2, failed: 1 },
      { region: '*', bucket: APR1 + HOUR, total: 1, failed: 0 },
    ]);
    assert.deepEqual(merged[0]?.latency, hist(100));
    assert.deepEqual(merged[0]?.failedByLayer, counts(1));
    assert.deepEqual(merged[0]?.layerLatency.transport, hist(20));
    assert.deepEqual(summary(await store().rollups('alpha', 'hour', APR1, APR1 + DAY, 'us')), [
      { region: 'us', bucket: APR1, total: 1, failed: 1 },
    ]);
    assert.deepEqual(summary(await store().rollupsByRegion('alpha', 'hour', APR1, APR1 + DAY)), [
      { region: 'eu', bucket: APR1, total: 1, failed: 0 },
      { region: 'us', bucket: APR1, total: 1, failed: 1 },
      { region: 'ap', bucket: APR1 + HOUR, total: 1, failed: 0 },
    ]);
    const [day] = await store().rollups('alpha', 'day', APR1, APR1 + DAY);
    assert.deepEqual(day?.latency, hist(100, 400));
    assert.deepEqual(await store().rollups('gamma', 'day', APR1, APR1 + DAY), []);
  });

  it('returns the buckets overlapping [since, until)', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1),
      stored('alpha', 'eu', APR1 + HOUR),
      stored('alpha', 'eu', APR1 + 2 * HOUR),
    ]);
    const buckets = async (since: number, until: number) =>
      (await store().rollups('alpha', 'hour', since, until)).map((r) => (r.bucket - APR1) / HOUR);
    assert.deepEqual(await buckets(APR1, APR1 + 2 * HOUR), [0, 1]);
    assert.deepEqual(await buckets(APR1 + 1, APR1 + 2 * HOUR + 1), [0, 1, 2]);
    assert.deepEqual(await buckets(APR1 + HOUR - 1, APR1 + HOUR), [0]);
    assert.deepEqual(await buckets(APR1 + HOUR, APR1 + HOUR), []);
  });

  it('gives N daily bars ending with the UTC day of `now`, zero for empty days', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1 - 89 * DAY),
      stored('alpha', 'eu', APR1 - 89 * DAY - 1, { failLayer: 'http' }),
      stored('alpha', 'eu', APR1 - 1, { failLayer: 'transport' }),
      stored('alpha', 'us', APR1 - 1),
      stored('alpha', 'us', APR1 + DAY - 1, { failLayer: 'initialize' }),
      stored('alpha', 'eu', APR1 + DAY),
    ]);
    const now = APR1 + DAY - 1;
    const bars = await store().dailyAvailability('alpha', 90, now);
    assert.equal(bars.length, 90);
    assert.equal(bars[0]?.day, APR1 - 89 * DAY);
    assert.equal(bars[89]?.day, APR1);
    const nonEmpty = bars.filter((b) => b.total > 0).map((b) => ({ ...b, day: (b.day - APR1) / DAY }));
    assert.deepEqual(nonEmpty, [
      { day: -89, total: 1, failed: 0, failedByLayer: counts() },
      { day: -1, total: 2, failed: 1, failedByLayer: counts(1) },
      { day: 0, total: 1, failed: 1, failedByLayer: counts(0, 0, 1) },
    ]);
    assert.deepEqual(bars[1], { day: APR1 - 88 * DAY, total: 0, failed: 0, failedByLayer: counts() });
    const eu = await store().dailyAvailability('alpha', 2, now, 'eu');
    assert.deepEqual(
      eu.map((b) => [b.total, b.failed]),
      [
        [1, 1],
        [0, 0],
      ],
    );
    assert.equal((await store().dailyAvailability('gamma', 7, now)).length, 7);
  });

  it('reads latency quantiles from hour rollups (whole probe, per layer, per region)', async () => {
    const durations = [80, 90, 100, 110, 120, 130, 140, 150, 1_000, 2_000];
    await store().writeResults(
      durations.map((d, i) =>
        stored('alpha', i % 2 ? 'us' : 'eu', APR1 + i * HOUR, { durationMs: d, layerMs: { http: d / 2 } }),
      ),
    );
    await store().writeResults([
      stored('alpha', 'eu', APR1 + 3 * HOUR, { failLayer: 'transport', durationMs: 9_999 }),
    ]);
    const all = hist(...durations);
    const got = await store().latencyQuantiles('alpha', APR1, APR1 + 10 * HOUR, [0.5, 0.95, 0.99]);
    assert.deepEqual(got, {
      samples: 10,
      values: [quantile(all, 0.5), quantile(all, 0.95), quantile(all, 0.99)],
    });
    const http = await store().latencyQuantiles('alpha', APR1, APR1 + 10 * HOUR, [0.5], { layer: 'http' });
    assert.deepEqual(http, { samples: 10, values: [quantile(hist(...durations.map((d) => d / 2)), 0.5)] });
    const us = await store().latencyQuantiles('alpha', APR1, APR1 + 10 * HOUR, [0.95], { region: 'us' });
    assert.deepEqual(us, { samples: 5, values: [quantile(hist(90, 110, 130, 150, 2_000), 0.95)] });
    const window = await store().latencyQuantiles('alpha', APR1 + 30 * MIN, APR1 + 2 * HOUR, [1]);
    assert.deepEqual(window, { samples: 2, values: [quantile(hist(80, 90), 1)] });
    assert.deepEqual(await store().latencyQuantiles('gamma', APR1, APR1 + DAY, [0.5, 0.95]), {
      samples: 0,
      values: [null, null],
    });
    // Quantiles and daily bars come from rollups: pruning every raw row changes neither.
    const bars = await store().dailyAvailability('alpha', 3, APR1);
    await store().prune(APR1 + 400 * DAY, 0);
    assert.deepEqual(await store().listResults({}), []);
    assert.deepEqual(await store().latencyQuantiles('alpha', APR1, APR1 + 10 * HOUR, [0.5, 0.95, 0.99]), got);
    assert.deepEqual(await store().dailyAvailability('alpha', 3, APR1), bars);
  });

  it('prunes raw rows before the cutoff and rollups whose bucket ends by it', async () => {
    await store().writeResults([
      stored('alpha', 'eu', APR1 - 1),
      stored('alpha', 'eu', APR1),
      stored('alpha', 'eu', APR1 + 1),
    ]);
    // Buckets: minute APR1-1m, APR1; hour APR1-1h, APR1; day APR1-1d, APR1.
    assert.deepEqual(await store().prune(APR1, 0), { raw: 1, rollups: 0 });
    assert.deepEqual(
      (await store().listResults({})).map((r) => r.at - APR1),
      [1, 0],
    );
    assert.deepEqual(await store().prune(APR1, APR1 - 1), { raw: 0, rollups: 0 });
    assert.deepEqual(await store().prune(APR1, APR1), { raw: 0, rollups: 3 });
    assert.deepEqual(
      [await count(store, 'minute'), await count(store, 'hour'), await count(store, 'day')],
      [1, 1, 1],
    );
    // Minute rollups may have a shorter retention than hour and day rollups.
    assert.deepEqual(await store().prune(0, APR1 + MIN - 1, APR1 + MIN), { raw: 0, rollups: 1 });
    assert.deepEqual(
      [await count(store, 'minute'), await count(store, 'hour'), await count(store, 'day')],
      [0, 1, 1],
    );
    assert.deepEqual(await store().prune(0, APR1 + HOUR), { raw: 0, rollups: 1 });
    assert.deepEqual(await store().prune(APR1 + 2, APR1 + DAY), { raw: 2, rollups: 1 });
    assert.deepEqual(
      [await count(store, 'minute'), await count(store, 'hour'), await count(store, 'day')],
      [0, 0, 0],
    );
  });

  it('prunes more rows than one chunk', async () => {
    const rows = [];
    for (let i = 0; i < 12_000; i++) rows.push(stored('alpha', 'eu', APR1 + i * 1_000));
    await store().writeResults(rows);
    const minutes = await count(store, 'minute');
    assert.equal(minutes, 200);
    // Minute buckets 0..99 and hour bucket 0 end by minute 100.
    assert.deepEqual(await store().prune(APR1 + 11_000 * 1_000, APR1 + 100 * MIN), {
      raw: 11_000,
      rollups: 101,
    });
    assert.equal((await store().listResults({ limit: 5_000 })).length, 1_000);
  });
}
