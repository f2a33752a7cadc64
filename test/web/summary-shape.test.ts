/**
 * One summary shape: the API's ServerSummary and Slo components (docs/api, /api/v1/openapi.json) list
 * exactly the keys of MonitorSummary and SloSummary (the key lists below are checked against the
 * types by tsc), and a summary the real engine and monitor produce has exactly those keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/config/build-server.js';
import { createState, observe } from '../../src/engine/index.js';
import type { SloSummary } from '../../src/engine/types.js';
import type { MonitorSummary } from '../../src/monitor/monitor-view.js';
import { monitorSummary } from '../../src/monitor/view.js';
import { lastProbeOf } from '../../src/monitor/last-probe.js';
import { COMPONENTS } from '../../src/web/api/schemas.js';
import { fail, M, ok, T0 } from '../engine/helpers.js';

const SUMMARY_KEYS = {
  server: true,
  state: true,
  failure: true,
  since: true,
  lastProbeAt: true,
  errorRate: true,
  errorRateByLayer: true,
  p95Ms: true,
  latencyMs: true,
  slo: true,
  openIncidentId: true,
  activeWarnings: true,
  maintenance: true,
  paused: true,
  tlsDaysRemaining: true,
  lastProbe: true,
} as const satisfies Record<keyof MonitorSummary, true>;

const SLO_KEYS = {
  target: true,
  windowMs: true,
  budget: true,
  consumed: true,
  budgetMinutes: true,
  consumedMinutes: true,
  remainingBudget: true,
  burnRates: true,
  projectedExhaustionAt: true,
} as const satisfies Record<keyof SloSummary, true>;

const sorted = (o: object) => Object.keys(o).sort();
const propertiesOf = (name: string) => sorted(COMPONENTS[name]!['properties'] as object);

test('the OpenAPI ServerSummary and Slo components list the keys of the types, no more, no fewer', () => {
  assert.deepEqual(propertiesOf('ServerSummary'), sorted(SUMMARY_KEYS));
  assert.deepEqual(propertiesOf('Slo'), sorted(SLO_KEYS));
  for (const name of ['ServerSummary', 'Slo']) {
    const required = COMPONENTS[name]!['required'] as string[];
    assert.deepEqual(
      required.filter((k) => !propertiesOf(name).includes(k)),
      [],
      `${name}: required keys are properties`,
    );
  }
});

test('a summary from the real engine and monitor has exactly those keys, in fractions', () => {
  const cfg = buildServer({ name: 'shape', url: 'https://mcp.example.test/mcp' }, {}, null);
  let state = createState(cfg.rules);
  for (let i = 0; i < 10; i++) {
    const at = T0 + i * M;
    const result = i === 9 ? fail('http', 'status_5xx') : ok();
    state = observe(state, { at, results: [result] }, { now: at }).state;
  }
  const s = monitorSummary(
    {
      cfg,
      state,
      lastProbe: lastProbeOf(ok(), T0 + 9 * M),
      surfaceFingerprint: null,
      savedAt: 0,
      tickedAt: 0,
    },
    T0 + 9 * M,
  );
  assert.deepEqual(sorted(s), sorted(SUMMARY_KEYS));
  assert.deepEqual(sorted(s.slo), sorted(SLO_KEYS));
  assert.equal(s.slo.budget, 0.001);
  assert.equal(s.slo.budgetMinutes, 43.2);
  assert.equal(s.state, 'up'); // one unconfirmed failure: maybe jitter
  assert.deepEqual(s.failure, { layer: 'http', code: 'status_5xx' });
  const paused = monitorSummary(
    {
      cfg: { ...cfg, paused: true },
      state,
      lastProbe: null,
      surfaceFingerprint: null,
      savedAt: 0,
      tickedAt: 0,
    },
    T0 + 9 * M,
  );
  assert.equal(paused.state, 'unknown');
  assert.equal(paused.paused, true);
});
