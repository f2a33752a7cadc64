/**
 * `sources:` in a running monitor, against a loopback registry in the real API shape: the first
 * sync adds exactly the right servers (spread over their interval, not probed at once), later ones
 * add, remove (history kept), mark deprecated and merge by URL from `updated_since` alone, a full
 * listing once a day drops what vanished, a broken registry changes nothing and raises a warning,
 * and a restart restores the same servers without asking the registry.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { parseConfig, type Config } from '../../src/config/index.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { monitorTarget, withSources } from '../../src/monitor/sources.js';
import type { ProbeOutcome } from '../../src/probe/types.js';
import type { SourceRunner } from '../../src/registry/runner.js';
import { SourceSync, type SyncOutcome } from '../../src/registry/sync.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { ok } from '../engine/helpers.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { T0, until } from '../monitor/harness.js';
import { catalogue } from './catalogue.js';
import { startRegistry, type FakeRegistry, type Listed } from './registry-server.js';

const LATER = '2025-10-01T00:00:00Z';

describe('registry sources in a running monitor', () => {
  let reg: FakeRegistry;
  let store: Store;
  const clock = new FakeClock(T0);
  // The sources' own clock: a day passes for them without a day of probes.
  const sourceClock = new FakeClock(T0);
  const probes: { url: string; at: number }[] = [];
  const logs: { level: number; msg: string }[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  );
  const probe = async (url: string): Promise<ProbeOutcome> => {
    probes.push({ url, at: clock.now() });
    return { result: { ...ok(), startedAt: new Date(clock.now()).toISOString() } };
  };
  let config: Config;
  let monitor: Monitor;
  let runner: SourceRunner;

  const open = async () => {
    const withSrc = await withSources(config, { store, log, clock: sourceClock });
    monitor = new Monitor({ config: withSrc.config, store, log, clock, probe });
    runner = withSrc.runner!;
    await monitor.start();
  };
  const sync = async (): Promise<SyncOutcome> => runner.runNow('eco', monitorTarget(monitor));
  const names = () => monitor.servers().map((s) => s.name);
  const server = (name: string) => monitor.servers().find((s) => s.name === name);

  before(async () => {
    reg = await startRegistry(catalogue(), { pageSize: 5 });
    store = openSqliteStore(':memory:');
    const parsed = parseConfig(`
defaults: { interval: 60s }
servers:
  - { name: mine, url: https://weather.example.org/mcp }
sources:
  - { name: eco, registry: ${reg.url}, every: 1h }
`);
    assert.deepEqual(parsed.problems, []);
    config = parsed.config!;
    assert.deepEqual(config.sources, [{ name: 'eco', registry: reg.url, search: null, everyMs: 3_600_000 }]);
    await open();
  });
  after(async () => {
    await monitor.stop();
    await store.close();
    await reg.close();
  });

  test('the first sync: exactly the monitorable remotes, merged by URL, spread over the interval', async () => {
    const o = await sync();
    assert.ok(o.ok);
    assert.equal(o.kind, 'full');
    // weather.example.org is the config's own `mine`: merged into it, not monitored twice.
    const added = [
      'com-example-a-b',
      'com-example-a-b-2',
      'com-example-alpha',
      'com-example-beta-legacy',
      'com-example-both',
      'com-example-both-sse',
      'com-example-fixed-header',
      'com-example-sneaky',
    ];
    assert.deepEqual(o.added, added);
    assert.deepEqual([o.removed, o.changed, o.needsConfig, o.merged], [[], [], 2, 2]);
    assert.deepEqual(names(), ['mine', ...added]);
    assert.deepEqual(server('com-example-alpha')?.tags, [
      'registry',
      'registry:com.example/alpha',
      'registry:com.example/mirror',
      'source:eco',
    ]);
    assert.equal(server('com-example-beta-legacy')?.era, 'sse');
    assert.equal(server('com-example-both')?.era, 'auto');
    assert.deepEqual(server('com-example-fixed-header')?.headers, { 'X-Client': 'mcpwatch' });
    assert.deepEqual(server('com-example-sneaky')?.headers, { 'X-Leak': '${HOME:-none}' });
    // No server of the registry was probed on the spot; over the next minute each is probed once,
    // at its own place in the interval.
    assert.equal(probes.filter((p) => p.url !== 'https://weather.example.org/mcp').length, 0);
    const from = clock.now();
    for (let t = 0; t < 60_000; t += 1_000) await clock.advance(1_000);
    const first = new Map<string, number>();
    for (const p of probes) if (!first.has(p.url) && p.at >= from) first.set(p.url, p.at - from);
    const offsets = added.map((n) => first.get(server(n)!.url)!);
    assert.ok(
      offsets.every((ms) => ms >= 0 && ms < 60_000),
      JSON.stringify(offsets),
    );
    const sorted = [...offsets].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((v, i) => v - sorted[i]!);
    assert.ok(Math.min(...gaps) >= 2_000, `8 servers in 60 s, closest two ${Math.min(...gaps)} ms apart`);
    assert.equal(
      logs.find((l) => l.msg.startsWith('registry source eco:'))?.msg,
      'registry source eco: 8 servers (8 added, 0 removed, 0 changed); 2 need configuration and are not probed; skipped: 1 packages only, 1 deprecated, 1 no remotes',
    );
  });

  test('an incremental sync: added, deleted (history kept), deprecated, merged', async () => {
    const removedUrl = server('com-example-a-b-2')!.url;
    // Results are written in batches within a second (real time).
    await until(async () => (await store.listResults({ server: 'com-example-a-b-2' })).length > 0);
    const historyBefore = await store.listResults({ server: 'com-example-a-b-2' });
    const set = (name: string, change: Partial<Listed>) => {
      const e = reg.entries.find((x) => x.name === name && x.isLatest !== false)!;
      Object.assign(e, { updatedAt: LATER, ...change });
    };
    set('com.example/a-b', { status: 'deleted' });
    set('com.example/beta-legacy', { status: 'deprecated', statusMessage: 'moving' });
    set('com.example/mirror', { status: 'deleted' });
    reg.entries.push(
      {
        name: 'com.example/new',
        updatedAt: LATER,
        remotes: [{ type: 'sse', url: 'https://new.example.com/sse' }],
      },
      {
        name: 'com.example/new-but-deprecated',
        status: 'deprecated',
        updatedAt: LATER,
        remotes: [{ type: 'streamable-http', url: 'https://nbd.example.com/mcp' }],
      },
      {
        name: 'com.example/dup',
        updatedAt: LATER,
        remotes: [{ type: 'sse', url: 'https://both.example.com/sse' }],
      },
    );
    reg.requests.length = 0;
    const o = await sync();
    assert.ok(o.ok);
    assert.equal(o.kind, 'incremental');
    assert.deepEqual(
      reg.requests.map((q) => q.get('updated_since')),
      ['2025-09-01T10:00:00Z'],
    );
    assert.equal(o.read, 6);
    assert.deepEqual(o.added, ['com-example-new']);
    assert.deepEqual(o.removed, ['com-example-a-b-2']);
    assert.deepEqual(o.changed, ['com-example-alpha', 'com-example-beta-legacy', 'com-example-both-sse']);
    assert.deepEqual(o.deprecated, ['com-example-beta-legacy']);
    assert.equal(names().includes('com-example-a-b-2'), false);
    assert.equal(
      monitor.servers().some((s) => s.url === removedUrl),
      false,
    );
    assert.deepEqual(server('com-example-alpha')?.tags, [
      'registry',
      'registry:com.example/alpha',
      'source:eco',
    ]);
    assert.deepEqual(server('com-example-beta-legacy')?.tags, [
      'registry',
      'registry:com.example/beta-legacy',
      'deprecated',
      'source:eco',
    ]);
    assert.deepEqual(server('com-example-both-sse')?.tags, [
      'registry',
      'registry:com.example/both',
      'registry:com.example/dup',
      'source:eco',
    ]);
    assert.equal(server('com-example-new')?.era, 'sse');
    assert.equal(names().includes('com-example-new-but-deprecated'), false);
    // The removed server's history stays in the store.
    const historyAfter = await store.listResults({ server: 'com-example-a-b-2' });
    assert.equal(historyAfter.length, historyBefore.length);
    // Nothing changed since: the next run reads from the new mark and changes nothing.
    reg.requests.length = 0;
    const again = await sync();
    assert.ok(again.ok);
    assert.deepEqual(reg.requests[0]?.get('updated_since'), LATER);
    assert.deepEqual([again.added, again.removed, again.changed], [[], [], []]);
  });

  for (const mode of ['down', 'http500', 'not_json', 'bad_shape'] as const) {
    test(`a registry that is ${mode}: the list stays as it is, with a warning`, async () => {
      const before = monitor.servers().map((s) => [s.name, s.url, s.tags]);
      reg.mode = mode;
      const o = await sync();
      reg.mode = 'ok';
      assert.equal(o.ok, false);
      assert.deepEqual(
        monitor.servers().map((s) => [s.name, s.url, s.tags]),
        before,
      );
      const code = {
        down: 'unreachable',
        http500: 'http_status',
        not_json: 'not_json',
        bad_shape: 'bad_shape',
      }[mode];
      const warned = logs.filter((l) => l.level === 40).at(-1);
      assert.match(
        warned!.msg,
        new RegExp(`^registry source eco: ${code}: .*; the server list is left as it is$`),
      );
      const active = await store.listWarnings({ server: 'source:eco', active: true });
      assert.deepEqual(
        active.map((w) => [w.rule, w.details?.['code']]),
        [['source_failing', code]],
      );
      const good = await sync();
      assert.ok(good.ok);
      assert.deepEqual(await store.listWarnings({ server: 'source:eco', active: true }), []);
    });
  }

  test('a restart restores the same servers without the registry; a daily full listing drops what vanished', async () => {
    const listed = () =>
      monitor
        .servers()
        .map((s) => [s.name, s.url, s.era, s.tags])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const before = listed();
    await monitor.stop();
    reg.mode = 'down';
    reg.requests.length = 0;
    await open();
    assert.deepEqual(listed(), before);
    assert.equal(reg.requests.length, 0);
    reg.mode = 'ok';
    // An entry that vanishes without a `deleted` mark is seen by the next full listing only.
    reg.entries = reg.entries.filter((e) => e.name !== 'com.example/fixed-header');
    const incremental = await sync();
    assert.ok(incremental.ok && incremental.kind === 'incremental');
    assert.equal(names().includes('com-example-fixed-header'), true);
    await sourceClock.advance(86_400_000);
    const full = await sync();
    assert.ok(full.ok);
    assert.equal(full.kind, 'full');
    assert.deepEqual(full.removed, ['com-example-fixed-header']);
    assert.equal(names().includes('com-example-fixed-header'), false);
  });
});

test('the updated_since mark is the latest instant seen, whatever the precision of the texts', async () => {
  const reg = await startRegistry([
    {
      name: 'a.example/one',
      updatedAt: '2025-10-01T00:00:00.500Z',
      remotes: [{ type: 'sse', url: 'https://one.example.com/sse' }],
    },
    {
      name: 'a.example/two',
      updatedAt: '2025-10-01T00:00:00Z',
      remotes: [{ type: 'sse', url: 'https://two.example.com/sse' }],
    },
  ]);
  const meta = new Map<string, string>();
  const store = {
    getMeta: async (k: string) => meta.get(k) ?? null,
    setMeta: async (k: string, v: string | null) => void (v === null ? meta.delete(k) : meta.set(k, v)),
  };
  const applied: string[][] = [];
  const target = {
    servers: () => [],
    apply: async (c: { upsert: { name: string }[] }) => void applied.push(c.upsert.map((u) => u.name)),
  };
  const sync = new SourceSync({ name: 'p', registry: reg.url, search: null, everyMs: 3_600_000 }, store, {
    now: () => T0,
  });
  try {
    assert.ok((await sync.run(target)).ok);
    assert.deepEqual(applied, [['a-example-one', 'a-example-two']]);
    reg.requests.length = 0;
    assert.ok((await sync.run(target)).ok);
    assert.equal(reg.requests[0]?.get('updated_since'), '2025-10-01T00:00:00.500Z');
  } finally {
    await reg.close();
  }
});
