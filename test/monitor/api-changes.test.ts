/**
 * Following the servers and maintenance windows changed through another instance's API
 * (monitor/api-changes.ts): the diff of stored texts against the ones seen last, and the follower
 * that applies it, skips what it cannot read (once) and does not apply its own writes again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig, type Config, type ServerConfig } from '../../src/config/index.js';
import {
  ApiChangeFollower,
  diffApiChanges,
  type ApiChange,
  type ApiChangeTarget,
  type MetaEntry,
} from '../../src/monitor/api-changes.js';
import { withApiChanges } from '../../src/monitor/view.js';
import type { MaintenanceWindow } from '../../src/engine/types.js';
import type { Store } from '../../src/store/store.js';

/** What JSON.parse says about `text` (its wording is V8's, and changes between Node versions). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is JSON`);
}
const S = (name: string) => `api:server:${name}`;
const M = (id: string) => `api:maintenance:${id}`;
const a1 = JSON.stringify({ name: 'a', url: 'http://127.0.0.1:9/a' });
const a2 = JSON.stringify({ name: 'a', url: 'http://127.0.0.1:9/a', paused: true });
const removed = JSON.stringify({ removed: true });
const w1 = JSON.stringify({ id: 'w1', servers: 'all', start: 1_000, end: 2_000, excludeFromSlo: true });
const w1b = JSON.stringify({ id: 'w1', servers: ['a'], start: 1_000, end: 3_000, title: 'db move' });

const cases: {
  name: string;
  seen: [string, string][];
  stored: [string, string][];
  want: ApiChange[];
}[] = [
  { name: 'nothing stored, nothing seen', seen: [], stored: [], want: [] },
  {
    name: 'unchanged texts',
    seen: [
      [S('a'), a1],
      [M('w1'), w1],
    ],
    stored: [
      [S('a'), a1],
      [M('w1'), w1],
    ],
    want: [],
  },
  {
    name: 'a new server',
    seen: [],
    stored: [[S('a'), a1]],
    want: [{ type: 'server', name: 'a', raw: { name: 'a', url: 'http://127.0.0.1:9/a' } }],
  },
  {
    name: 'a changed server (paused)',
    seen: [[S('a'), a1]],
    stored: [[S('a'), a2]],
    want: [{ type: 'server', name: 'a', raw: { name: 'a', url: 'http://127.0.0.1:9/a', paused: true } }],
  },
  {
    name: 'a removed server',
    seen: [[S('a'), a1]],
    stored: [[S('a'), removed]],
    want: [{ type: 'server_removed', name: 'a' }],
  },
  { name: 'a removal seen already', seen: [[S('a'), removed]], stored: [[S('a'), removed]], want: [] },
  { name: 'a server key that disappears changes nothing', seen: [[S('a'), a1]], stored: [], want: [] },
  {
    name: 'a new window (its id is the key’s)',
    seen: [],
    stored: [[M('w9'), w1]],
    want: [
      {
        type: 'maintenance',
        window: { id: 'w9', servers: 'all', start: 1_000, end: 2_000, excludeFromSlo: true },
      },
    ],
  },
  {
    name: 'a changed window; excludeFromSlo defaults to true',
    seen: [[M('w1'), w1]],
    stored: [[M('w1'), w1b]],
    want: [
      {
        type: 'maintenance',
        window: {
          id: 'w1',
          servers: ['a'],
          start: 1_000,
          end: 3_000,
          title: 'db move',
          excludeFromSlo: true,
        },
      },
    ],
  },
  {
    name: 'a cancelled window',
    seen: [[M('w1'), w1]],
    stored: [],
    want: [{ type: 'maintenance_removed', id: 'w1' }],
  },
  {
    name: 'bad JSON of a server',
    seen: [[S('a'), a1]],
    stored: [[S('a'), '{"name": "a", ']],
    want: [{ type: 'problem', key: S('a'), problem: `not JSON (${jsonError('{"name": "a", ')})` }],
  },
  {
    name: 'a server text that is not an object',
    seen: [],
    stored: [[S('b'), '[1,2]']],
    want: [{ type: 'problem', key: S('b'), problem: 'not a JSON object' }],
  },
  {
    name: 'a window with end before start',
    seen: [],
    stored: [[M('w2'), JSON.stringify({ servers: 'all', start: 5, end: 4 })]],
    want: [{ type: 'problem', key: M('w2'), problem: 'start and end are not times with end after start' }],
  },
  {
    name: 'a window with bad servers',
    seen: [],
    stored: [[M('w3'), JSON.stringify({ servers: [1], start: 1, end: 2 })]],
    want: [{ type: 'problem', key: M('w3'), problem: 'servers is neither "all" nor a list of names' }],
  },
  {
    name: 'several at once, in key order, cancellations last',
    seen: [
      [S('a'), a1],
      [S('b'), removed],
      [M('w1'), w1],
    ],
    stored: [
      [S('a'), removed],
      [S('b'), a1],
      [S('c'), 'x'],
    ],
    want: [
      { type: 'server_removed', name: 'a' },
      { type: 'server', name: 'b', raw: { name: 'a', url: 'http://127.0.0.1:9/a' } },
      { type: 'problem', key: S('c'), problem: `not JSON (${jsonError('x')})` },
      { type: 'maintenance_removed', id: 'w1' },
    ],
  },
];

for (const c of cases)
  test(`diffApiChanges: ${c.name}`, () => {
    const stored: MetaEntry[] = c.stored.map(([key, value]) => ({ key, value }));
    assert.deepEqual(diffApiChanges(new Map(c.seen), stored), c.want);
  });

function config(): Config {
  const { config, problems } = parseConfig(`
servers:
  - { name: file, url: "http://127.0.0.1:9/file" }
`);
  assert.ok(config, JSON.stringify(problems));
  return config;
}

/** A meta table in memory, read by prefix in key order as the stores read it. */
function metaStore(meta: Map<string, string>): Pick<Store, 'listMeta'> {
  return {
    listMeta: async (prefix) =>
      [...meta]
        .filter(([k]) => k.startsWith(prefix))
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([key, value]) => ({ key, value })),
  };
}

/** A meta table in memory, and a monitor that records what it was asked. */
function fixture(initial: [string, string][] = []) {
  const meta = new Map(initial);
  const store = metaStore(meta);
  let cfg = config();
  const calls: string[] = [];
  const windows: MaintenanceWindow[] = [];
  const target: ApiChangeTarget = {
    config: () => cfg,
    has: (name) => cfg.servers.some((s) => s.name === name),
    applyServers: async (upserts: ServerConfig[], removals: string[]) => {
      calls.push(
        ...removals.map((r) => `remove ${r}`),
        ...upserts.map((u) => `upsert ${u.name} ${u.url}${u.paused ? ' paused' : ''}`),
      );
      const names = new Set(upserts.map((u) => u.name));
      cfg = {
        ...cfg,
        servers: [...cfg.servers.filter((s) => !removals.includes(s.name) && !names.has(s.name)), ...upserts],
      };
    },
    addMaintenance: (w) => {
      calls.push(`window ${w.id}`);
      windows.push(w);
    },
    removeMaintenance: (id) => {
      calls.push(`cancel ${id}`);
      return true;
    },
  };
  const logged: { level: string; msg: string }[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void logged.push(JSON.parse(line) as { level: string; msg: string }) },
  );
  return { meta, store, target, calls, logged, log, windows };
}

test('the follower applies other instances’ changes once, skips bad text once, and not its own writes', async () => {
  const f = fixture([[S('file'), JSON.stringify({ name: 'file', url: 'http://127.0.0.1:9/file' })]]);
  const follower = new ApiChangeFollower({
    store: f.store,
    target: f.target,
    log: f.log,
    everyMs: 1_000,
    seen: new Map(f.meta),
  });
  assert.deepEqual(await follower.poll(), []);

  // Another instance adds a server, pauses the file's one, adds a window; a bad text appears.
  f.meta.set(S('new'), JSON.stringify({ name: 'new', url: 'http://127.0.0.1:9/new' }));
  f.meta.set(S('file'), JSON.stringify({ name: 'file', url: 'http://127.0.0.1:9/file', paused: true }));
  f.meta.set(S('broken'), '{oops');
  f.meta.set(M('w1'), w1);
  await follower.poll();
  assert.deepEqual(f.calls, [
    'window w1',
    'upsert file http://127.0.0.1:9/file paused',
    'upsert new http://127.0.0.1:9/new',
  ]);
  const problems = f.logged.filter((l) => l.msg.includes('cannot be read'));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.msg, /api:server:broken: not JSON/);

  // Nothing new: nothing applied, the bad text not logged again.
  f.calls.length = 0;
  await follower.poll();
  assert.deepEqual(f.calls, []);
  assert.equal(f.logged.filter((l) => l.msg.includes('cannot be read')).length, 1);

  // Our own write, recorded as ours, is not applied again.
  await follower.exclusive(async () => {
    f.meta.set(S('mine'), JSON.stringify({ name: 'mine', url: 'http://127.0.0.1:9/mine' }));
    follower.wrote(S('mine'), f.meta.get(S('mine'))!);
  });
  await follower.poll();
  assert.deepEqual(f.calls, []);

  // A removal and a cancellation elsewhere; a server entry that does not fit the config is skipped.
  f.meta.set(S('new'), removed);
  f.meta.delete(M('w1'));
  f.meta.set(S('bad'), JSON.stringify({ name: 'bad', url: 'ftp://x' }));
  await follower.poll();
  assert.deepEqual(f.calls, ['cancel w1', 'remove new']);
  assert.equal(f.logged.filter((l) => /does not fit .* bad:/.test(l.msg)).length, 1);
  assert.deepEqual(
    f.target.config().servers.map((s) => [s.name, s.paused]),
    [['file', true]],
  );
});

test('withApiChanges skips a stored entry that is not JSON, naming it, and returns every text read', async () => {
  const meta = new Map([
    [S('broken'), '{oops'],
    [S('added'), JSON.stringify({ name: 'added', url: 'http://127.0.0.1:9/added' })],
    [M('w1'), w1],
    [M('w2'), 'not json'],
  ]);
  const store = metaStore(meta) as unknown as Store;
  const r = await withApiChanges(config(), store);
  assert.deepEqual(
    r.config.servers.map((s) => s.name),
    ['file', 'added'],
  );
  assert.deepEqual(r.maintenance, [
    { id: 'w1', servers: 'all', start: 1_000, end: 2_000, excludeFromSlo: true },
  ]);
  assert.deepEqual(r.problems, [
    `broken: not JSON (${jsonError('{oops')})`,
    `maintenance window w2: not JSON (${jsonError('not json')})`,
  ]);
  assert.deepEqual([...r.seen.keys()].sort(), [M('w1'), M('w2'), S('added'), S('broken')]);
});
