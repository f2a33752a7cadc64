/**
 * The PostgreSQL connection lost while running (a real loopback TCP proxy in front of the real
 * PostgreSQL cuts every connection and refuses new ones): writes wait in memory, in order, and are
 * written exactly once when it answers again; /healthz's Store.health() says degraded meanwhile; a
 * COMMIT whose answer was lost is not written twice; the bound drops new probe results only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Incident } from '../../src/engine/types.js';
import { BufferedStore } from '../../src/store/buffered-store.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import type { OutboxMessage, StoredResult } from '../../src/store/store.js';
import { createPgSchema, pgSkip, pgTestUrl, type PgSchema } from '../fixtures/pg.js';
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy.js';
import { until } from '../monitor/harness.js';
import { stored } from './sample.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const FAST = { baseMs: 100, maxMs: 400 };

interface Line {
  level: 'warn' | 'info' | 'error';
  msg: string;
}
function captureLog() {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (a: unknown, b?: unknown) =>
    void lines.push({ level, msg: typeof a === 'string' ? a : String(b) });
  return { lines, log: { warn: at('warn'), info: at('info'), error: at('error') } };
}

function incident(id: string, at: number): Incident {
  return {
    id,
    server: 'alpha',
    severity: 'P1',
    status: 'investigating',
    trigger: 'consecutive_failures',
    layer: 'http',
    code: 'http_5xx',
    openedAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    timeline: [{ at, kind: 'opened', message: 'P1 opened' }],
  } as unknown as Incident;
}

function message(key: string, at: number): OutboxMessage {
  return {
    key,
    channel: 'hook',
    incidentId: 'inc-1',
    payload: { hello: key },
    createdAt: at,
    notBefore: at,
    attempts: 0,
    status: 'pending',
    lastError: null,
  };
}

describe('BufferedStore over PostgreSQL through a proxy that loses the connection', pgSkip(), () => {
  let schema: PgSchema;
  let proxy: TcpProxy;
  let direct: PostgresStore;
  before(async () => {
    schema = await createPgSchema();
    proxy = await startTcpProxy(pgTestUrl()!);
    direct = await openPostgresStore(schema.url);
  });
  after(async () => {
    await direct.close();
    await proxy.close();
    await schema.drop();
  });

  async function buffered(opts: { maxBytes?: number } = {}) {
    const { lines, log } = captureLog();
    const store = new BufferedStore(await openPostgresStore(proxy.url(schema.url)), log, {
      backoff: FAST,
      warnEveryMs: 60_000,
      ...opts,
    });
    return { store, lines };
  }

  it('a 2.5 s cut: every write of the period is there afterwards, once, in order; degraded meanwhile', async () => {
    await direct.pool.query('TRUNCATE results, rollups, incidents, outbox, engine_state, tool_surfaces');
    const { store, lines } = await buffered();
    const written: StoredResult[] = [];
    let n = 0;
    let writing = true;
    // A writer like the monitor's: a batch of 3 every 50 ms, before, during and after the cut.
    const writer = (async () => {
      while (writing) {
        const batch = [0, 1, 2].map(() => stored('alpha', 'eu', T0 + 1_000 * n++));
        written.push(...batch);
        await store.writeResults(batch);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await store.writeJudgement({ outbox: [message('before', T0)] });
    const [before] = await direct.dueOutbox(T0 + 1, 10);
    assert.ok(before?.id);

    await new Promise((r) => setTimeout(r, 300));
    proxy.down();
    const cutAt = written.length;
    await new Promise((r) => setTimeout(r, 300));
    // What the monitor writes while it is away: a P1 with its page, the engine state twice (the
    // second replaces the first in the queue), a sent mark, a tool surface, a setting.
    await store.writeJudgement({
      incidents: [incident('inc-1', T0)],
      outbox: [message('inc-1:opened:hook', T0)],
      engineState: [{ server: 'alpha', state: '{"v":1}', at: T0 }],
    });
    await store.writeJudgement({ engineState: [{ server: 'alpha', state: '{"v":2}', at: T0 + 1 }] });
    await store.updateOutbox(before.id!, { status: 'sent', attempts: 1 });
    const surface = await store.saveToolSurface(
      'alpha',
      'fp-1',
      '1.0.0',
      [{ name: 'search', inputSchema: { type: 'object' } }],
      T0,
    );
    assert.equal(surface.changed, true);
    await store.setMeta('setting', 'kept');
    assert.deepEqual(
      [...(await store.existingOutboxKeys(['inc-1:opened:hook', 'other']))],
      ['inc-1:opened:hook'],
      'outbox keys written while away are known without the database',
    );

    const health = await store.health();
    assert.equal(health.ok, false);
    assert.equal(health.degraded, true);
    assert.match(health.reason!, /the database is unreachable since .*: \d+ writes wait in memory/);
    await assert.rejects(store.listResults({}), /PostgreSQL is unreachable .* writes wait in memory/);

    await new Promise((r) => setTimeout(r, 1_900));
    const duringCut = written.length - cutAt;
    assert.ok(duringCut >= 30, `${duringCut} results written while away`);
    proxy.up();
    const upAt = Date.now();
    await until(async () => (await store.health()).ok, 10_000);

    writing = false;
    await writer;
    await until(async () => (await store.health()).ok && store.bufferState().writes === 0, 5_000);

    const rows = await direct.listResults({ server: 'alpha', limit: 10_000 });
    assert.equal(rows.length, written.length, 'every result once');
    assert.deepEqual(
      rows.map((r) => r.at).reverse(),
      written.map((r) => r.at),
      'in the order they were written',
    );
    const [day] = await direct.rollups('alpha', 'day', T0, T0 + 1);
    assert.equal(day?.total, written.length, 'rollups count each once');
    assert.equal((await direct.getIncident('inc-1'))?.status, 'investigating');
    const outbox = await direct.pool.query<{ key: string; status: string }>(
      'SELECT key, status FROM outbox ORDER BY id',
    );
    assert.deepEqual(outbox.rows, [
      { key: 'before', status: 'sent' },
      { key: 'inc-1:opened:hook', status: 'pending' },
    ]);
    assert.deepEqual(await direct.loadEngineStates(), [{ server: 'alpha', state: '{"v":2}', at: T0 + 1 }]);
    assert.deepEqual(
      (await direct.listToolSurfaces('alpha')).map((s) => s.fingerprint),
      ['fp-1'],
    );
    assert.equal(await direct.getMeta('setting'), 'kept');

    const warns = lines.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1, JSON.stringify(lines));
    assert.match(warns[0]!.msg, /PostgreSQL is unreachable .*: writes are kept in memory/);
    const back = lines.filter((l) => /answers again/.test(l.msg));
    assert.equal(back.length, 1, JSON.stringify(lines));
    assert.match(
      back[0]!.msg,
      /answers again after \d+ s: \d+ buffered writes \(\d+ probe results\) written in order/,
    );
    assert.equal(lines.filter((l) => l.level === 'error').length, 0, JSON.stringify(lines));
    await store.close();
  });

  it('a COMMIT whose answer is lost is not written again (txid_status says it committed)', async () => {
    await direct.pool.query('TRUNCATE results, rollups');
    const { store, lines } = await buffered();
    const cut = proxy.cutAfterCommit(500);
    const batch = [0, 1, 2, 3].map((i) => stored('alpha', 'eu', T0 + i));
    await store.writeResults(batch);
    await cut;
    assert.equal(store.bufferState().writes, 1, 'the batch waits, in doubt');
    await until(async () => store.bufferState().writes === 0 && (await store.health()).ok, 10_000);
    assert.equal((await direct.listResults({ limit: 100 })).length, 4, 'written once, not twice');
    const [day] = await direct.rollups('alpha', 'day', T0, T0 + 1);
    assert.equal(day?.total, 4);
    assert.match(lines[0]!.msg, /connection was lost during COMMIT/);
    await store.close();
  });

  it('a full buffer drops new probe results (counted, said once) but keeps incidents and alerts', async () => {
    await direct.pool.query('TRUNCATE results, rollups, outbox');
    const one = JSON.stringify(stored('alpha', 'eu', T0).result).length + 64;
    const { store, lines } = await buffered({ maxBytes: one * 10 });
    proxy.down();
    try {
      for (let i = 0; i < 15; i++) await store.writeResults([stored('alpha', 'eu', T0 + i)]);
      await store.writeJudgement({ outbox: [message('kept-beyond-the-bound', T0)] });
      assert.deepEqual(
        { ...store.bufferState(), since: null, lastError: null },
        {
          writes: 11,
          results: 10,
          bytes: store.bufferState().bytes,
          maxBytes: one * 10,
          dropped: 5,
          since: null,
          lastError: null,
        },
      );
      const health = await store.health();
      assert.equal(health.degraded, true);
      assert.match(health.reason!, /5 probe results were dropped because the buffer was full/);
      const full = lines.filter((l) => l.level === 'error');
      assert.equal(full.length, 1);
      assert.match(full[0]!.msg, /the write buffer is full .*new probe results are dropped/);
    } finally {
      proxy.up();
    }
    await until(async () => (await store.health()).ok, 10_000);
    const rows = await direct.listResults({ limit: 100 });
    assert.deepEqual(
      rows.map((r) => r.at - T0).reverse(),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      'the first ten are kept, the later five dropped',
    );
    assert.equal((await direct.existingOutboxKeys(['kept-beyond-the-bound'])).size, 1);
    assert.match(lines.at(-1)!.msg, /5 probe results had been dropped/);
    await store.close();
  });
});
