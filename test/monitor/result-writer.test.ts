/**
 * The batched writes of the monitor (results and routine engine-state saves) against a real SQLite
 * store: what is written when, which save wins, and that a judgement's own write of a state is never
 * overwritten by an older routine save still in a batch.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { ResultWriter } from '../../src/monitor/result-writer.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { JudgementWrite, Store } from '../../src/store/store.js';
import { probeResult } from '../store/sample.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');

async function withStore(fn: (store: Store, writes: JudgementWrite[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-writer-'));
  const store = openSqliteStore(join(dir, 'db.sqlite'));
  const writes: JudgementWrite[] = [];
  const write = store.writeJudgement.bind(store);
  store.writeJudgement = (w) => {
    writes.push(w);
    return write(w);
  };
  try {
    await fn(store, writes);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const saved = async (store: Store) =>
  Object.fromEntries((await store.loadEngineStates()).map((s) => [s.server, [s.state, s.at]]));

const silent = pino({ level: 'silent' });
/** Nothing is written until flush() is asked for. */
const ON_FLUSH = { maxRows: 500, maxDelayMs: 60_000 };

test('routine saves wait for the batch and go in one write; a later save of a server replaces its earlier one', () =>
  withStore(async (store, writes) => {
    const writer = new ResultWriter(store, silent, ON_FLUSH);
    writer.save({ server: 'a', state: 'a1', at: T0 });
    writer.save({ server: 'b', state: 'b1', at: T0 });
    writer.save({ server: 'a', state: 'a2', at: T0 + 1 });
    writer.add({ server: 'a', region: 'local', at: T0, ok: true, result: probeResult(T0) });
    assert.deepEqual(await saved(store), {}, 'nothing written before the batch');
    await writer.flush();
    assert.deepEqual(await saved(store), { a: ['a2', T0 + 1], b: ['b1', T0] });
    assert.equal(writes.length, 1, 'one write for both servers');
    assert.equal((await store.listResults({ server: 'a' })).length, 1);
  }));

test('rows and routine saves are written after maxDelayMs with no flush asked for, in one write', () =>
  withStore(async (store, writes) => {
    const writer = new ResultWriter(store, silent, { maxRows: 500, maxDelayMs: 20 });
    writer.save({ server: 'a', state: 'a1', at: T0 });
    writer.add({ server: 'a', region: 'local', at: T0, ok: true, result: probeResult(T0) });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await saved(store), { a: ['a1', T0] });
    assert.equal((await store.listResults({ server: 'a' })).length, 1);
    assert.equal(writes.length, 1, 'the state written once');
  }));

test('by default a row waits at most 100 ms for its batch, not a second', () =>
  withStore(async (store) => {
    const writer = new ResultWriter(store, silent);
    writer.add({ server: 'a', region: 'local', at: T0, ok: true, result: probeResult(T0) });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await store.listResults({ server: 'a' })).length, 1);
  }));

test('a full batch is written at once, before the delay', () =>
  withStore(async (store) => {
    const writer = new ResultWriter(store, silent, { maxRows: 2, maxDelayMs: 60_000 });
    writer.add({ server: 'a', region: 'local', at: T0, ok: true, result: probeResult(T0) });
    writer.add({ server: 'a', region: 'local', at: T0 + 1, ok: true, result: probeResult(T0 + 1) });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await store.listResults({ server: 'a' })).length, 2);
  }));

test("a judgement's own write comes after any routine save of the server still on its way", () =>
  withStore(async (store) => {
    const writer = new ResultWriter(store, silent, ON_FLUSH);
    // The batch's write takes a while (a busy disk, a remote PostgreSQL); a judgement's does not.
    const write = store.writeJudgement;
    store.writeJudgement = async (w) => {
      store.writeJudgement = write;
      await new Promise((r) => setTimeout(r, 50));
      return write(w);
    };
    writer.save({ server: 'a', state: 'old', at: T0 });
    void writer.flush(); // the batch is on its way, not yet written
    writer.save({ server: 'a', state: 'older-pending', at: T0 + 1 });
    await writer.unsave('a');
    await store.writeJudgement({ engineState: [{ server: 'a', state: 'judged', at: T0 + 2 }] });
    await writer.flush();
    assert.deepEqual(await saved(store), { a: ['judged', T0 + 2] });
  }));

test('a routine save that fails is dropped, not retried over what was written since', () =>
  withStore(async (store) => {
    const writer = new ResultWriter(store, silent, ON_FLUSH);
    const write = store.writeJudgement;
    store.writeJudgement = () => Promise.reject(new Error('disk I/O error'));
    writer.save({ server: 'a', state: 'lost', at: T0 });
    await writer.flush();
    store.writeJudgement = write;
    await store.writeJudgement({ engineState: [{ server: 'a', state: 'judged', at: T0 + 1 }] });
    await writer.flush();
    assert.deepEqual(await saved(store), { a: ['judged', T0 + 1] });
  }));
