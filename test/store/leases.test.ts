/**
 * Leases and outbox claims on real PostgreSQL (several "instances" as PgLeases callers on one fresh
 * schema, time passed as an argument), and the single-instance implementation SQLite uses.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SoloLeases, type InstanceIdentity } from '../../src/store/leases.js';
import { leasesFor } from '../../src/store/open.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { PgLeases } from '../../src/store/postgres/leases.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { OutboxMessage } from '../../src/store/store.js';
import { createPgSchema, pgSkip, type PgSchema } from '../fixtures/pg.js';

const T0 = Date.UTC(2026, 0, 5, 12);
const TTL = 15_000;
const SERVERS = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`);

function who(id: string): InstanceIdentity {
  return { id, host: 'test', pid: 1, url: `http://127.0.0.1/${id}`, startedAt: T0 };
}

function message(key: string, channel: string, at: number): OutboxMessage {
  return {
    key,
    channel,
    incidentId: null,
    payload: { kind: 'test' },
    createdAt: at,
    notBefore: at,
    attempts: 0,
    status: 'pending',
    lastError: null,
  };
}

const schemas: PgSchema[] = [];
const stores: PostgresStore[] = [];
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(schemas.map((s) => s.drop()));
});
async function fresh(): Promise<PostgresStore> {
  const s = await createPgSchema();
  schemas.push(s);
  const store = await openPostgresStore(s.url, { maxConnections: 8 });
  stores.push(store);
  return store;
}

/** Every server held by at most one instance: the lease table itself. */
async function holders(store: PostgresStore): Promise<Map<string, string | null>> {
  return new Map((await leasesFor(store).leases()).map((l) => [l.server, l.holder]));
}

describe('leases on PostgreSQL', pgSkip(), () => {
  it('splits servers by fair share: a new instance gets half once the first gives its surplus back', async () => {
    const store = await fresh();
    const a = new PgLeases(store.pool);
    const b = new PgLeases(store.pool);
    const first = await a.heartbeat(who('a'), SERVERS, T0, TTL);
    assert.deepEqual(first.held, SERVERS);
    assert.deepEqual(
      first.gained.map((g) => [g.server, g.takeover]),
      SERVERS.map((s) => [s, false]),
    );
    assert.deepEqual([first.live, first.share, first.surplus], [1, 12, []]);

    const joined = await b.heartbeat(who('b'), SERVERS, T0 + 1_000, TTL);
    assert.deepEqual([joined.held, joined.live, joined.share], [[], 2, 6]);

    const beat = await a.heartbeat(who('a'), SERVERS, T0 + 5_000, TTL);
    assert.deepEqual(beat.surplus, SERVERS.slice(6), 'the surplus: the last 6 by name');
    assert.deepEqual(beat.lost, []);
    await a.release('a', beat.surplus);

    const took = await b.heartbeat(who('b'), SERVERS, T0 + 6_000, TTL);
    assert.deepEqual(took.held, SERVERS.slice(6));
    assert.ok(
      took.gained.every((g) => !g.takeover),
      'a released lease is a handover, not a takeover',
    );
    const table = await holders(store);
    assert.deepEqual(
      SERVERS.map((s) => table.get(s)),
      [...Array(6).fill('a'), ...Array(6).fill('b')],
    );
    const listed = await a.instances(T0 + 6_000);
    assert.deepEqual(listed.map((i) => [i.id, i.leases, i.heartbeatAt]).sort(), [
      ['a', 6, T0 + 5_000],
      ['b', 6, T0 + 6_000],
    ]);
  });

  it('a dead instance (no heartbeat for the TTL) loses its servers to the others, as a takeover', async () => {
    const store = await fresh();
    const a = new PgLeases(store.pool);
    const b = new PgLeases(store.pool);
    await a.heartbeat(who('a'), SERVERS, T0, TTL);
    await b.heartbeat(who('b'), SERVERS, T0, TTL);
    await a.release('a', (await a.heartbeat(who('a'), SERVERS, T0 + 1_000, TTL)).surplus);
    await b.heartbeat(who('b'), SERVERS, T0 + 2_000, TTL);
    // a stops beating at T0 + 1 s; its leases expire at T0 + 16 s. Before that, nothing moves.
    const early = await b.heartbeat(who('b'), SERVERS, T0 + 15_000, TTL);
    assert.deepEqual([early.held.length, early.gained, early.live], [6, [], 2]);
    const late = await b.heartbeat(who('b'), SERVERS, T0 + 16_001, TTL);
    assert.equal(late.live, 1);
    assert.deepEqual(late.held, SERVERS);
    assert.deepEqual(
      late.gained.map((g) => [g.server, g.takeover]),
      SERVERS.slice(0, 6).map((s) => [s, true]),
    );
    // a comes back (a paused process): it is told what it lost, and holds nothing until b gives back.
    const back = await a.heartbeat(who('a'), SERVERS, T0 + 17_000, TTL);
    assert.deepEqual([back.held, back.lost, back.share], [[], SERVERS.slice(0, 6), 6]);
    const surplus = await b.heartbeat(who('b'), SERVERS, T0 + 18_000, TTL);
    assert.deepEqual(surplus.surplus, SERVERS.slice(6));
  });

  it('instances beating at the same moment never hold one server twice, and settle at 3 each of 12', async () => {
    const store = await fresh();
    const ids = ['a', 'b', 'c', 'd'];
    const leases = ids.map(() => new PgLeases(store.pool));
    for (let round = 0; round < 4; round++) {
      const now = T0 + round * 5_000;
      const beats = await Promise.all(leases.map((l, k) => l.heartbeat(who(ids[k]!), SERVERS, now, TTL)));
      const all = beats.flatMap((b) => b.held);
      assert.equal(new Set(all).size, all.length, `round ${round}: a server held twice: ${all.join(',')}`);
      await Promise.all(beats.map((b, k) => leases[k]!.release(ids[k]!, b.surplus)));
    }
    const final = await Promise.all(
      leases.map((l, k) => l.heartbeat(who(ids[k]!), SERVERS, T0 + 20_000, TTL)),
    );
    assert.deepEqual(
      final.map((b) => b.held.length),
      [3, 3, 3, 3],
    );
    assert.deepEqual(
      final.map((b) => b.surplus.length),
      [0, 0, 0, 0],
    );
    const table = await holders(store);
    assert.deepEqual(
      [...table.values()].filter((h) => h === null),
      [],
    );
  });

  it('leave() frees every lease, the outbox claims and the instance row at once', async () => {
    const store = await fresh();
    const a = new PgLeases(store.pool);
    await a.heartbeat(who('a'), SERVERS, T0, TTL);
    await store.writeJudgement({ outbox: [message('k1', 'hook', T0)] });
    assert.equal((await a.claimOutbox('a', T0, 60_000, 10)).length, 1);
    await a.leave('a');
    assert.deepEqual(
      [...(await holders(store)).values()].filter((h) => h !== null),
      [],
    );
    assert.deepEqual(await a.instances(T0), []);
    const b = new PgLeases(store.pool);
    assert.equal((await b.claimOutbox('b', T0 + 1, 60_000, 10)).length, 1, 'released at once');
    const beat = await b.heartbeat(who('b'), SERVERS, T0 + 1, TTL);
    assert.equal(beat.held.length, 12);
  });

  it('servers no longer configured are released; new ones get a lease row', async () => {
    const store = await fresh();
    const a = new PgLeases(store.pool);
    await a.heartbeat(who('a'), ['x', 'y'], T0, TTL);
    const beat = await a.heartbeat(who('a'), ['y', 'z'], T0 + 1_000, TTL);
    assert.deepEqual([beat.held, beat.lost], [['y', 'z'], ['x']]);
    assert.deepEqual(
      [...(await holders(store))],
      [
        ['x', null],
        ['y', 'a'],
        ['z', 'a'],
      ],
    );
  });
});

describe('outbox claims on PostgreSQL', pgSkip(), () => {
  it('a claim takes whole channels, oldest first; others get nothing of them until it expires', async () => {
    const store = await fresh();
    const a = new PgLeases(store.pool);
    const b = new PgLeases(store.pool);
    await store.writeJudgement({
      outbox: [
        message('x1', 'x', T0),
        message('y1', 'y', T0 + 1),
        message('x2', 'x', T0 + 2),
        { ...message('x3', 'x', T0 + 3), notBefore: T0 + 100_000 },
      ],
    });
    const mine = await a.claimOutbox('a', T0 + 10, 30_000, 100);
    assert.deepEqual(
      mine.map((m) => m.key),
      ['x1', 'y1', 'x2', 'x3'],
      'pending ones not yet due are claimed too',
    );
    assert.deepEqual(await b.claimOutbox('b', T0 + 20, 30_000, 100), []);
    await store.updateOutbox(mine[0]!.id!, { status: 'sent', attempts: 1 });
    // a renews its claim by claiming again; b still gets nothing.
    assert.deepEqual(
      (await a.claimOutbox('a', T0 + 20_000, 30_000, 100)).map((m) => m.key),
      ['y1', 'x2', 'x3'],
    );
    assert.deepEqual(await b.claimOutbox('b', T0 + 49_999, 30_000, 100), []);
    const taken = await b.claimOutbox('b', T0 + 50_001, 30_000, 100);
    assert.deepEqual(
      taken.map((m) => m.key),
      ['y1', 'x2', 'x3'],
      'after the claim expired; the sent one is never claimed again',
    );
  });

  it('two instances claiming at once split the channels, never a message or a channel', async () => {
    const store = await fresh();
    const channels = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    await store.writeJudgement({
      outbox: channels.flatMap((c, k) => [0, 1, 2].map((i) => message(`${c}-${i}`, c, T0 + k * 10 + i))),
    });
    const a = new PgLeases(store.pool);
    const b = new PgLeases(store.pool);
    const [x, y] = await Promise.all([
      a.claimOutbox('a', T0 + 100, 30_000, 100),
      b.claimOutbox('b', T0 + 100, 30_000, 100),
    ]);
    const keys = [...x, ...y].map((m) => m.key);
    assert.equal(new Set(keys).size, keys.length, 'no message claimed twice');
    assert.equal(keys.length, 18);
    const chA = new Set(x.map((m) => m.channel));
    assert.ok(
      y.every((m) => !chA.has(m.channel)),
      'each channel to one instance',
    );
    // A limit that cuts a channel still keeps the rest of that channel from the other instance.
    const store2 = await fresh();
    await store2.writeJudgement({ outbox: [0, 1, 2].map((i) => message(`z${i}`, 'z', T0 + i)) });
    const c = new PgLeases(store2.pool);
    assert.equal((await c.claimOutbox('c', T0 + 10, 30_000, 1)).length, 1);
    assert.deepEqual(await new PgLeases(store2.pool).claimOutbox('d', T0 + 10, 30_000, 10), []);
  });
});

describe('one instance (SQLite)', () => {
  it('holds every server, shares nothing, and claims every pending message', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const solo = leasesFor(store);
      assert.ok(solo instanceof SoloLeases);
      assert.equal(solo.shared, false);
      const beat = await solo.heartbeat(who('solo'), ['a', 'b'], T0, TTL);
      assert.deepEqual([beat.held, beat.surplus, beat.live], [['a', 'b'], [], 1]);
      const next = await solo.heartbeat(who('solo'), ['b', 'c'], T0 + 5_000, TTL);
      assert.deepEqual([next.gained.map((g) => g.server), next.lost], [['c'], ['a']]);
      await store.writeJudgement({
        outbox: [message('m1', 'hook', T0), { ...message('m2', 'hook', T0), notBefore: T0 + 99_000 }],
      });
      assert.deepEqual(
        (await solo.claimOutbox('solo', T0, 1, 10)).map((m) => m.key),
        ['m1', 'm2'],
      );
      assert.deepEqual(
        (await solo.instances(T0)).map((i) => [i.id, i.leases]),
        [['solo', 2]],
      );
    } finally {
      await store.close();
    }
  });
});
