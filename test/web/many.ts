/**
 * Many servers at once, for the benchmark (and scale tests): a config of N servers on one status
 * page, 90 days of synthetic rollups when asked, some incidents, and fixed summaries like the engine
 * keeps in memory (so a render measures web/, not summary computation).
 */
import { LAYERS, type LayerName } from '../../src/probe/types.js';
import type { Incident, ServerState, WindowName } from '../../src/engine/types.js';
import { WINDOWS } from '../../src/engine/types.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { BURN_WINDOWS, type MonitorSummary } from '../../src/monitor/monitor-view.js';
import { DAY_MS, insertRollups, random, syntheticRollups } from './history.js';
import { seedConfig } from './seed.js';
import { TestMonitorView } from './test-view.js';

export const serverName = (i: number): string => `server-${String(i).padStart(4, '0')}`;

export function manyServersYaml(n: number): string {
  const servers = Array.from(
    { length: n },
    (_, i) => `  - { name: ${serverName(i)}, url: "https://mcp${i}.example.com/mcp" }`,
  ).join('\n');
  const list = Array.from({ length: n }, (_, i) => serverName(i)).join(', ');
  return `server: { publicUrl: http://status.example.test }
servers:
${servers}
statusPages:
  - { slug: all, title: "All ${n} servers", servers: [${list}] }
`;
}

function summary(name: string, i: number, now: number, rnd: () => number): MonitorSummary {
  const state: ServerState =
    i % 97 === 3 ? 'down' : i % 31 === 5 ? 'degraded' : i % 211 === 7 ? 'unknown' : 'up';
  const rate = state === 'down' ? 1 : state === 'degraded' ? 0.25 : rnd() * 0.002;
  const rates = Object.fromEntries(WINDOWS.map((w) => [w, rate])) as Record<WindowName, number>;
  const byLayer = Object.fromEntries(
    WINDOWS.map((w) => [w, Object.fromEntries(LAYERS.map((l, k) => [l, k === 1 ? rate : 0]))]),
  ) as Record<WindowName, Record<LayerName, number>>;
  const p = (ms: number) => ({ p50: ms, p95: ms * 1.8, p99: ms * 3 });
  return {
    server: name,
    state,
    failure: state === 'down' || state === 'degraded' ? { layer: 'http', code: 'status_5xx' } : null,
    since: state === 'up' ? null : now - 600_000,
    lastProbeAt: now - 30_000,
    maintenance: null,
    paused: false,
    errorRate: rates,
    errorRateByLayer: byLayer,
    p95Ms: { '1h': 180 + (i % 50), '7d': 170 },
    latencyMs: {
      total: p(120),
      transport: p(20),
      http: p(30),
      initialize: p(40),
      tools_list: p(30),
      tool_call: p(0),
    },
    slo: {
      target: 99.9,
      windowMs: 30 * DAY_MS,
      budget: 0.001,
      consumed: rate * 1000,
      budgetMinutes: 43.2,
      consumedMinutes: rate * 1000 * 43.2,
      remainingBudget: 1 - rate * 1000,
      burnRates: Object.fromEntries(
        BURN_WINDOWS.map((w) => [w, rate / 0.001]),
      ) as MonitorSummary['slo']['burnRates'],
      projectedExhaustionAt: null,
    },
    openIncidentId: state === 'down' ? `inc-${name}` : null,
    activeWarnings: 0,
    tlsDaysRemaining: 60 + (i % 30),
    lastProbe: { at: now - 30_000, region: 'local', ok: state !== 'down', durationMs: 120, failure: null },
  };
}

export interface ManyServers {
  view: TestMonitorView;
  store: SqliteStore;
  adminToken: string;
}

export async function createManyServersView(
  n: number,
  opts: { now: number; historyDays?: number; everyMinutes?: number },
): Promise<ManyServers> {
  const { now } = opts;
  const config = seedConfig(manyServersYaml(n));
  const store = openSqliteStore(':memory:');
  const rnd = random(42);
  if (opts.historyDays) {
    const from = Math.floor(now / DAY_MS) * DAY_MS - (opts.historyDays - 1) * DAY_MS;
    for (let i = 0; i < n; i++) {
      const bad = Math.floor(rnd() * opts.historyDays);
      const badDay = from + bad * DAY_MS;
      insertRollups(
        store,
        syntheticRollups(serverName(i), {
          from,
          until: now,
          everyMinutes: opts.everyMinutes ?? 5,
          seed: i + 1,
          failRate: (at) => (at >= badDay && at < badDay + 3_600_000 ? 0.9 : 0.0005),
          failLayer: () => 'http',
        }),
      );
    }
  }
  const incidents: Incident[] = [];
  for (let i = 0; i < n; i += 5) {
    const opened = now - Math.floor(rnd() * 85) * DAY_MS - 3_600_000;
    const open = i % 97 === 3;
    incidents.push({
      id: open ? `inc-${serverName(i)}` : `old-${serverName(i)}`,
      server: serverName(i),
      severity: open ? 'P1' : 'P2',
      status: open ? 'investigating' : 'resolved',
      trigger: 'error_rate_15m',
      activeTriggers: [],
      layer: 'http',
      code: 'status_5xx',
      openedAt: open ? now - 600_000 : opened,
      firstFailureAt: open ? now - 700_000 : opened - 120_000,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: open ? null : opened + 1_800_000,
      failedProbes: 12,
      lastGoodAt: null,
      timeline: [
        { at: open ? now - 600_000 : opened, kind: 'opened', message: 'opened' },
        ...(open ? [] : [{ at: opened + 1_800_000, kind: 'resolved' as const, message: 'resolved' }]),
      ],
    });
  }
  await store.writeJudgement({ incidents });
  const summaries = config.servers.map((s, i) => summary(s.name, i, now, rnd));
  const adminToken = (await new TokenStore(store, () => now).create('bench', 'admin')).token;
  return { view: new TestMonitorView({ config, store, now: () => now, summaries }), store, adminToken };
}
