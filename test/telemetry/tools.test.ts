/**
 * The pure parts of real-traffic judgement: per-tool windows (buckets, sliding, bounded), the tool
 * rules with their thresholds and hysteresis, and the engine turning them into incidents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTelemetry } from '../../src/config/build-server.js';
import { createState, observe, observeTools } from '../../src/engine/index.js';
import type { EngineState } from '../../src/engine/index.js';
import type { ToolFacts } from '../../src/engine/types.js';
import { judgeTools } from '../../src/telemetry/tool-rules.js';
import { ServerToolWindows, type CallBatch } from '../../src/telemetry/tool-windows.js';
import { M, H, S, T0, ok, rulesFor } from '../engine/helpers.js';

function call(at: number, failed: boolean, ms = 10, source: CallBatch['source'] = 'span'): CallBatch {
  return {
    at,
    calls: 1,
    errors: failed ? 1 : 0,
    latency: [[ms, 1]],
    errorType: failed ? 'tool_error' : null,
    source,
  };
}

/** `n` calls of `tool` spread over the 60 s before `at`, the first `errors` failing. */
function calls(w: ServerToolWindows, tool: string, at: number, n: number, errors: number): void {
  for (let i = 0; i < n; i++) w.add(tool, call(at - (i * 60_000) / n, i < errors));
}

test('windows: 5m, 1h and 24h slide with their buckets; latency percentiles come from the buckets', () => {
  const w = new ServerToolWindows();
  const table: [number, CallBatch | null, [number, number][]][] = [
    // at, a call then (calls arrive in time order), [calls, errors] for 5m, 1h, 24h
    [
      T0,
      call(T0, false, 10),
      [
        [1, 0],
        [1, 0],
        [1, 0],
      ],
    ],
    [
      T0 + 4 * M,
      call(T0 + 4 * M, true, 100),
      [
        [2, 1],
        [2, 1],
        [2, 1],
      ],
    ],
    [
      T0 + 9 * M,
      null,
      [
        [0, 0],
        [2, 1],
        [2, 1],
      ],
    ],
    [
      T0 + 50 * M,
      call(T0 + 50 * M, false, 1000),
      [
        [1, 0],
        [3, 1],
        [3, 1],
      ],
    ],
    [
      T0 + 70 * M,
      null,
      [
        [0, 0],
        [1, 0],
        [3, 1],
      ],
    ],
    [
      T0 + 25 * H,
      null,
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    ],
  ];
  for (const [at, c, expected] of table) {
    if (c) w.add('search', c);
    const [stats] = w.stats(at);
    const got = stats
      ? (['5m', '1h', '24h'] as const).map((k) => [stats.windows[k].calls, stats.windows[k].errors])
      : [
          [0, 0],
          [0, 0],
          [0, 0],
        ];
    assert.deepEqual(got, expected, `at +${(at - T0) / M} min`);
  }
  const [s] = w.stats(T0 + 50 * M);
  assert.deepEqual(
    [s!.windows['1h'].p50, s!.windows['1h'].p99, s!.windows['1h'].errorRate],
    [107.6, 1024, 1 / 3],
  );
  assert.deepEqual([s!.lastErrorType, s!.lastErrorAt], ['tool_error', T0 + 4 * M]);
});

test('windows: at most maxTools tools; a tool silent for 24 h makes room; metric points yield to spans', () => {
  const w = new ServerToolWindows(2);
  assert.equal(w.add('a', call(T0, false)), true);
  assert.equal(w.add('b', call(T0 + M, false)), true);
  assert.equal(w.add('c', call(T0 + 2 * M, false)), false);
  assert.equal(w.add('c', call(T0 + 24 * H + 30 * S, false)), true); // a went quiet for 24 h
  assert.deepEqual(
    w.stats(T0 + 24 * H + 30 * S).map((t) => t.tool),
    ['b', 'c'],
  );
  assert.equal(w.add('c', { ...call(T0 + 24 * H + 40 * S, true), source: 'metric' }), true);
  assert.equal(w.stats(T0 + 24 * H + 40 * S).find((t) => t.tool === 'c')!.windows['5m'].calls, 1);
});

const cfg = buildTelemetry('docs', { tools: { flaky: { errorRate: 0.5 }, noisy: { alert: false } } });

test('rules: thresholds, minimum calls, per-tool settings, hysteresis, every call failing', () => {
  const at = T0 + H;
  const table: {
    name: string;
    tools: [string, number, number][];
    previous?: ToolFacts;
    failing: string[];
    all: boolean;
  }[] = [
    { name: '20% of 20 calls fires', tools: [['search', 20, 4]], failing: ['search'], all: false },
    {
      name: '19 calls are too few',
      tools: [
        ['search', 19, 19],
        ['list', 1, 0],
      ],
      failing: [],
      all: false,
    },
    { name: 'just below 20% does not', tools: [['search', 21, 4]], failing: [], all: false },
    {
      name: "a tool's own threshold",
      tools: [
        ['flaky', 20, 9],
        ['search', 20, 4],
      ],
      failing: ['search'],
      all: false,
    },
    {
      name: 'alert: false is never judged',
      tools: [
        ['noisy', 40, 40],
        ['list', 10, 0],
      ],
      failing: [],
      all: false,
    },
    {
      name: 'worst first',
      tools: [
        ['a', 20, 5],
        ['b', 20, 10],
      ],
      failing: ['b', 'a'],
      all: false,
    },
    {
      name: 'once failing, 10% holds (even on few calls)',
      tools: [['search', 10, 1]],
      previous: facts(['search']),
      failing: ['search'],
      all: false,
    },
    {
      name: 'below 10% clears',
      tools: [['search', 11, 1]],
      previous: facts(['search']),
      failing: [],
      all: false,
    },
    { name: 'no calls left clears', tools: [], previous: facts(['search']), failing: [], all: false },
    {
      name: 'every one of 10 calls failing is P1',
      tools: [
        ['a', 6, 6],
        ['b', 4, 4],
      ],
      failing: [],
      all: true,
    },
    { name: 'every one of 9 is too few', tools: [['a', 9, 9]], failing: [], all: false },
    {
      name: 'every call failing holds down to half',
      tools: [['a', 10, 5]],
      previous: { ...facts([]), allFailing: { calls: 10, errors: 10 } },
      failing: [],
      all: true,
    },
  ];
  for (const row of table) {
    const w = new ServerToolWindows();
    for (const [tool, n, e] of row.tools) calls(w, tool, at, n, e);
    const got = judgeTools(w, cfg, at, row.previous ?? null);
    assert.deepEqual(
      got.failing.map((t) => t.tool),
      row.failing,
      row.name,
    );
    assert.equal(got.allFailing !== null, row.all, row.name);
    assert.equal(got.windowMs, 5 * M);
  }
});

function facts(failing: string[], at = T0): ToolFacts {
  return {
    at,
    windowMs: 5 * M,
    failing: failing.map((tool) => ({ tool, calls: 40, errors: 12, errorRate: 0.3, threshold: 0.2 })),
    allFailing: null,
  };
}

test('engine: a failing tool opens a P2 naming it, another joins, every call failing raises P1, then it resolves', () => {
  let s: EngineState = createState(rulesFor());
  for (let i = 0; i < 3; i++) s = observe(s, { at: T0 + i * M, results: [ok()] }, { now: T0 + i * M }).state;
  const steps: [number, ToolFacts | null, string[], string | null][] = [
    [T0 + 3 * M, facts(['search']), ['incident_opened'], 'P2'],
    [T0 + 4 * M, facts(['search', 'fetch']), [], 'P2'],
    [
      T0 + 5 * M,
      { ...facts(['search', 'fetch']), allFailing: { calls: 30, errors: 30 } },
      ['incident_severity_raised'],
      'P1',
    ],
    [T0 + 6 * M, facts([]), ['incident_resolved'], null],
  ];
  let opened = null;
  for (const [at, f, events, severity] of steps) {
    const r = observeTools(s, f, { now: at });
    s = r.state;
    assert.deepEqual(
      r.events.map((e) => e.type),
      events,
      `at +${(at - T0) / M} min`,
    );
    assert.equal(s.incident?.severity ?? null, severity);
    opened ??= r.incident;
  }
  assert.equal(opened!.trigger, 'tool_error_rate');
  assert.equal(
    opened!.timeline[0]!.message,
    'P2 tool_error_rate: tool "search" failed 12 of 40 calls (30%) over 5m (P2 at 20%)',
  );
});

test('engine: the timeline of the incident names a tool that joins it', () => {
  let s: EngineState = createState(rulesFor());
  for (let i = 0; i < 3; i++) s = observe(s, { at: T0 + i * M, results: [ok()] }, { now: T0 + i * M }).state;
  s = observeTools(s, facts(['search']), { now: T0 + 3 * M }).state;
  const r = observeTools(s, facts(['search', 'fetch']), { now: T0 + 4 * M });
  assert.deepEqual(
    r.incident!.timeline.map((e) => `${e.kind}: ${e.message}`),
    [
      'opened: P2 tool_error_rate: tool "search" failed 12 of 40 calls (30%) over 5m (P2 at 20%)',
      'trigger: tool_error_rate: tool "fetch" failed 12 of 40 calls (30%) over 5m (P2 at 20%)',
    ],
  );
});
