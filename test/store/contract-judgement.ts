/** Store contract: incidents, warnings, engine state and the outbox, written atomically. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Incident, Warning } from '../../src/engine/types.js';
import type { OutboxMessage } from '../../src/store/store.js';
import type { StoreGetter } from './contract.js';

const T0 = Date.UTC(2025, 5, 1, 12);

function incident(id: string, server: string, openedAt: number, patch: Partial<Incident> = {}): Incident {
  return {
    id,
    server,
    severity: 'P1',
    status: 'investigating',
    trigger: 'consecutive_failures',
    activeTriggers: ['consecutive_failures'],
    layer: 'transport',
    code: 'connect_refused',
    openedAt,
    firstFailureAt: openedAt - 30_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    failedProbes: 3,
    lastGoodAt: openedAt - 60_000,
    timeline: [
      { at: openedAt, kind: 'opened', message: 'P1: 3 consecutive failures (transport/connect_refused)' },
    ],
    ...patch,
  };
}

function warning(id: string, server: string, openedAt: number, clearedAt: number | null = null): Warning {
  return {
    id,
    server,
    rule: 'cert_expiring',
    message: 'certificate expires in 9 days',
    openedAt,
    clearedAt,
    details: { days: 9 },
  };
}

function message(key: string, notBefore: number, patch: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    key,
    channel: 'pager',
    incidentId: 'inc-1',
    payload: { kind: 'incident_opened', text: `message ${key}`, nested: [1, 'two', null] },
    createdAt: notBefore,
    notBefore,
    attempts: 0,
    status: 'pending',
    lastError: null,
    ...patch,
  };
}

const keys = (ms: OutboxMessage[]) => ms.map((m) => m.key);

export function judgementContract(store: StoreGetter): void {
  it('upserts incidents by id, replacing the timeline', async () => {
    const opened = incident('inc-1', 'alpha', T0);
    await store().writeJudgement({ incidents: [opened] });
    assert.deepEqual(await store().getIncident('inc-1'), opened);
    const resolved = incident('inc-1', 'alpha', T0, {
      severity: 'P2',
      status: 'resolved',
      resolvedAt: T0 + 600_000,
      activeTriggers: [],
      timeline: [
        ...opened.timeline,
        { at: T0 + 60_000, kind: 'acknowledged', message: 'acknowledged by ana' },
        { at: T0 + 600_000, kind: 'resolved', message: '2 consecutive good probes' },
      ],
    });
    await store().writeJudgement({ incidents: [resolved] });
    assert.deepEqual(await store().getIncident('inc-1'), resolved);
    assert.equal((await store().listIncidents({})).length, 1);
    assert.equal(await store().getIncident('nope'), null);
  });

  it('keeps what another writer added: a stale copy written later does not undo an acknowledgement', async () => {
    // Two instances: one takes an acknowledgement, the judging one then writes its copy, which
    // has a new timeline entry but not the acknowledgement.
    const opened = incident('inc-9', 'alpha', T0);
    await store().writeJudgement({ incidents: [opened] });
    const ackEntry = { at: T0 + 30_000, kind: 'acknowledged' as const, message: 'acknowledged by ana' };
    await store().writeJudgement({
      incidents: [
        {
          ...opened,
          acknowledgedAt: T0 + 30_000,
          acknowledgedBy: 'ana',
          timeline: [...opened.timeline, ackEntry],
        },
      ],
    });
    const notified = { at: T0 + 40_000, kind: 'notification' as const, message: 'sent to pager' };
    const stale = { ...opened, failedProbes: 5, timeline: [...opened.timeline, notified] };
    await store().writeJudgement({ incidents: [stale] });
    assert.deepEqual(await store().getIncident('inc-9'), {
      ...stale,
      acknowledgedAt: T0 + 30_000,
      acknowledgedBy: 'ana',
      timeline: [opened.timeline[0], ackEntry, notified],
    });
  });

  it('lists incidents newest first, by server, open or resolved, with a limit', async () => {
    await store().writeJudgement({
      incidents: [
        incident('a1', 'alpha', T0, { status: 'resolved', resolvedAt: T0 + 1 }),
        incident('b1', 'beta', T0 + 1_000),
        incident('a2', 'alpha', T0 + 2_000, { status: 'monitoring' }),
        incident('a3', 'alpha', T0 + 2_000, { severity: 'P2', status: 'identified' }),
      ],
    });
    const ids = async (q: Parameters<ReturnType<StoreGetter>['listIncidents']>[0]) =>
      (await store().listIncidents(q)).map((i) => i.id);
    assert.deepEqual(await ids({}), ['a3', 'a2', 'b1', 'a1']);
    assert.deepEqual(await ids({ server: 'alpha' }), ['a3', 'a2', 'a1']);
    assert.deepEqual(await ids({ open: true }), ['a3', 'a2', 'b1']);
    assert.deepEqual(await ids({ open: false }), ['a1']);
    assert.deepEqual(await ids({ server: 'alpha', open: true, limit: 1 }), ['a3']);
    assert.deepEqual(await ids({ server: 'gamma' }), []);
  });

  it('upserts warnings by id and lists them newest first, active or cleared', async () => {
    await store().writeJudgement({
      warnings: [
        warning('w1', 'alpha', T0),
        warning('w2', 'beta', T0 + 1_000),
        warning('w3', 'alpha', T0 + 2_000),
      ],
    });
    const cleared = warning('w1', 'alpha', T0, T0 + 5_000);
    await store().writeJudgement({ warnings: [cleared] });
    const ids = async (q: { server?: string; active?: boolean; limit?: number }) =>
      (await store().listWarnings(q)).map((w) => w.id);
    assert.deepEqual(await ids({}), ['w3', 'w2', 'w1']);
    assert.deepEqual(await ids({ server: 'alpha' }), ['w3', 'w1']);
    assert.deepEqual(await ids({ active: true }), ['w3', 'w2']);
    assert.deepEqual(await ids({ active: false }), ['w1']);
    assert.deepEqual(await ids({ limit: 1 }), ['w3']);
    assert.deepEqual((await store().listWarnings({ active: false }))[0], cleared);
  });

  it('upserts engine state per server and loads it sorted by server', async () => {
    assert.deepEqual(await store().loadEngineStates(), []);
    await store().writeJudgement({
      engineState: [
        { server: 'beta', state: '{"v":1}', at: T0 },
        { server: 'alpha', state: '{"v":1}', at: T0 },
      ],
    });
    await store().writeJudgement({ engineState: [{ server: 'beta', state: '{"v":2}', at: T0 + 60_000 }] });
    assert.deepEqual(await store().loadEngineStates(), [
      { server: 'alpha', state: '{"v":1}', at: T0 },
      { server: 'beta', state: '{"v":2}', at: T0 + 60_000 },
    ]);
  });

  it('ignores an outbox key that already exists, and still applies the rest of the write', async () => {
    await store().writeJudgement({ outbox: [message('inc-1:opened:pager', T0)] });
    await store().writeJudgement({
      incidents: [incident('inc-1', 'alpha', T0)],
      outbox: [
        message('inc-1:opened:pager', T0, { payload: { text: 'duplicate' } }),
        message('inc-1:opened:hook', T0 + 1, { channel: 'hook' }),
        message('inc-1:opened:hook', T0 + 2, { channel: 'hook', payload: 'same tick duplicate' }),
      ],
      engineState: [{ server: 'alpha', state: 's', at: T0 }],
    });
    const due = await store().dueOutbox(T0 + 10, 10);
    assert.deepEqual(keys(due), ['inc-1:opened:pager', 'inc-1:opened:hook']);
    const { id, ...first } = due[0]!;
    assert.equal(typeof id, 'number');
    assert.deepEqual(first, message('inc-1:opened:pager', T0));
    const { id: _id, ...second } = due[1]!;
    assert.deepEqual(second, message('inc-1:opened:hook', T0 + 1, { channel: 'hook' }));
    assert.notEqual(await store().getIncident('inc-1'), null);
    assert.equal((await store().loadEngineStates()).length, 1);
  });

  it('commits a judgement atomically: a failure leaves nothing behind', async () => {
    await store().writeJudgement({
      incidents: [incident('inc-1', 'alpha', T0)],
      engineState: [{ server: 'alpha', state: 'before', at: T0 }],
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await assert.rejects(
      store().writeJudgement({
        incidents: [incident('inc-1', 'alpha', T0, { status: 'resolved' }), incident('inc-2', 'beta', T0)],
        warnings: [warning('w1', 'alpha', T0)],
        engineState: [{ server: 'alpha', state: 'after', at: T0 + 1 }],
        outbox: [message('ok-key', T0), message('bad-key', T0, { payload: circular })],
      }),
    );
    assert.equal((await store().getIncident('inc-1'))?.status, 'investigating');
    assert.equal(await store().getIncident('inc-2'), null);
    assert.deepEqual(await store().listWarnings({}), []);
    assert.deepEqual(await store().dueOutbox(T0 + 1, 10), []);
    assert.deepEqual(await store().loadEngineStates(), [{ server: 'alpha', state: 'before', at: T0 }]);
  });

  it('tells which outbox keys exist, whatever their status', async () => {
    await store().writeJudgement({ outbox: [message('a', T0), message('sent', T0, { status: 'sent' })] });
    assert.deepEqual(await store().existingOutboxKeys(['a', 'sent', 'missing']), new Set(['a', 'sent']));
    assert.deepEqual(await store().existingOutboxKeys([]), new Set());
  });

  it('returns due pending messages oldest first (notBefore, then insertion), up to the limit', async () => {
    await store().writeJudgement({
      outbox: [
        message('late', T0 + 60_000),
        message('b', T0 + 1_000),
        message('a', T0),
        message('b2', T0 + 1_000),
        message('exact', T0 + 5_000),
        message('sent', T0, { status: 'sent' }),
        message('failed', T0, { status: 'failed' }),
        message('cancelled', T0, { status: 'cancelled' }),
      ],
    });
    assert.deepEqual(keys(await store().dueOutbox(T0 + 5_000, 10)), ['a', 'b', 'b2', 'exact']);
    assert.deepEqual(keys(await store().dueOutbox(T0 + 4_999, 10)), ['a', 'b', 'b2']);
    assert.deepEqual(keys(await store().dueOutbox(T0 + 60_000, 2)), ['a', 'b']);
    assert.deepEqual(await store().dueOutbox(T0 - 1, 10), []);
  });

  it('updates only the outbox fields given', async () => {
    await store().writeJudgement({ outbox: [message('a', T0), message('b', T0 + 1)] });
    const [a, b] = await store().dueOutbox(T0 + 1, 10);
    const dueA = async () => (await store().dueOutbox(T0 + 3_600_000, 10)).find((m) => m.key === 'a');
    await store().updateOutbox(a!.id!, { attempts: 1, notBefore: T0 + 30_000, lastError: 'HTTP 503' });
    assert.deepEqual(keys(await store().dueOutbox(T0 + 29_999, 10)), ['b']);
    assert.deepEqual(keys(await store().dueOutbox(T0 + 30_000, 10)), ['b', 'a']);
    assert.deepEqual(await dueA(), { ...a!, attempts: 1, notBefore: T0 + 30_000, lastError: 'HTTP 503' });
    await store().updateOutbox(a!.id!, { attempts: 2 });
    assert.deepEqual(await dueA(), { ...a!, attempts: 2, notBefore: T0 + 30_000, lastError: 'HTTP 503' });
    await store().updateOutbox(a!.id!, { lastError: null, status: 'sent' });
    await store().updateOutbox(b!.id!, { status: 'failed', lastError: 'gave up' });
    assert.deepEqual(await store().dueOutbox(T0 + 3_600_000, 10), []);
    await store().updateOutbox(a!.id!, { status: 'pending' });
    assert.deepEqual(await dueA(), { ...a!, attempts: 2, notBefore: T0 + 30_000, lastError: null });
  });
}
