/**
 * The seeded monitor used by the web tests, the benchmark and the README screenshots: a real
 * SQLite ':memory:' store holding 90 days of history for four servers, an open P1 (investigating,
 * not acknowledged), an open P2 (identified, with an update), a resolved P1 with a published
 * postmortem, a P3 warning, two tool surfaces with schema drift, a scheduled maintenance window,
 * one public status page, and an admin and a read token.
 *
 *   const { view, adminToken } = await createSeededView();
 *   const app = buildApp(view);
 */
import { parseConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import type { Incident, Warning } from '../../src/engine/types.js';
import type { ErrorCode, LayerName, ToolDefinition } from '../../src/probe/types.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import type { StoredResult } from '../../src/store/store.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { draftPostmortem, savePostmortem } from '../../src/web/postmortem.js';
import { stored } from '../store/sample.js';
import { DAY_MS, insertRollups, syntheticRollups } from './history.js';
import { TestMonitorView } from './test-view.js';

/** 2025-06-15 12:00 UTC. */
export const SEED_NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;

/** Values that must never appear in any response or page. */
export const SECRETS = {
  DOCS_TOKEN: 'tok-docs-SECRET-5f4e3d2c1b0a',
  WEATHER_KEY: 'wk-SECRET-a1b2c3d4e5f6',
  PATH_KEY: 'sk-ak-9f8e7d6c5b4a39281706',
};

export const SEED_CONFIG_YAML = `
server: { port: 8080, publicUrl: http://status.example.test }
storage: { sqlite: ':memory:' }
servers:
  - name: docs-search
    url: https://mcp.example.com/mcp/${SECRETS.PATH_KEY}/sse
    headers: { Authorization: "Bearer \${DOCS_TOKEN}" }
    slo: { target: 99.9 }
  - name: billing-tools
    url: https://billing.example.com/mcp
  - name: weather
    url: https://weather.example.com/mcp?key=\${WEATHER_KEY}
  - name: internal-admin
    url: https://admin.internal.example.com/mcp
channels:
  - { name: pager, type: pagerduty, routingKey: "0123456789abcdef0123456789abcdef" }
routes: { P1: [pager], P2: [pager], P3: [digest] }
maintenance:
  - { id: mw-weather-db, servers: [weather], start: "2025-06-17T01:00:00Z", end: "2025-06-17T03:00:00Z", title: Weather database upgrade }
statusPages:
  - slug: public
    title: Example MCP status
    description: Live status of the Example MCP servers.
    servers: [docs-search, billing-tools, weather]
`;

export function seedConfig(yaml = SEED_CONFIG_YAML): Config {
  const { config, problems } = parseConfig(yaml, {
    DOCS_TOKEN: SECRETS.DOCS_TOKEN,
    WEATHER_KEY: SECRETS.WEATHER_KEY,
  });
  if (!config) throw new Error(`seed config: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return config;
}

export const IDS = { p1: 'inc-billing-0615', p2: 'inc-weather-0615', resolved: 'inc-docs-0605' };

function incident(
  p: Partial<Incident> & Pick<Incident, 'id' | 'server' | 'severity' | 'openedAt'>,
): Incident {
  return {
    status: 'investigating',
    trigger: 'consecutive_failures',
    activeTriggers: [],
    layer: null,
    code: null,
    firstFailureAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    failedProbes: 0,
    lastGoodAt: null,
    timeline: [],
    ...p,
  };
}

function recentResults(
  server: string,
  now: number,
  fail: (at: number) => { layer: LayerName; code: ErrorCode } | null,
  tlsDays = 80,
): StoredResult[] {
  const rows: StoredResult[] = [];
  for (let at = now - 60 * MIN; at < now; at += MIN) {
    const f = fail(at);
    const row = stored(
      server,
      'local',
      at,
      f ? { failLayer: f.layer, code: f.code } : { durationMs: 110 + (at % 7) * 9 },
    );
    if (row.result.tls) row.result.tls = { ...row.result.tls, daysRemaining: tlsDays - (now - at) / DAY_MS };
    if (f?.code === 'connect_refused') row.result.failure!.message = 'connect ECONNREFUSED 203.0.113.9:443';
    if (f?.code === 'status_5xx') {
      row.result.failure!.message = 'HTTP 503 Service Unavailable';
      row.result.failure!.httpStatus = 503;
    }
    rows.push(row);
  }
  return rows;
}

const tool = (name: string, inputSchema: unknown, description = ''): ToolDefinition => ({
  name,
  description,
  inputSchema,
});

async function seedSurfaces(store: SqliteStore, now: number): Promise<void> {
  await store.saveToolSurface(
    'docs-search',
    'sha256:aaaa1111',
    '1.4.1',
    [
      tool(
        'search_docs',
        { type: 'object', properties: { q: { type: 'string' }, limit: { type: 'integer' } } },
        'Search the docs',
      ),
      tool('list_sections', { type: 'object', properties: {} }, 'List sections'),
    ],
    now - 20 * DAY_MS,
  );
  await store.saveToolSurface(
    'docs-search',
    'sha256:bbbb2222',
    '1.4.1',
    [
      tool(
        'search_docs',
        {
          type: 'object',
          properties: {
            q: { type: 'string' },
            limit: { type: 'string' },
            lang: { type: 'string', enum: ['en', 'fr'] },
          },
          required: ['q'],
        },
        'Search the docs',
      ),
      tool(
        'get_page',
        { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        'Fetch one page',
      ),
    ],
    now - 2 * DAY_MS,
  );
}

async function seedJudgement(store: SqliteStore, now: number): Promise<void> {
  const outageStart = Date.UTC(2025, 5, 5, 9, 0);
  const resolved = incident({
    id: IDS.resolved,
    server: 'docs-search',
    severity: 'P1',
    status: 'resolved',
    layer: 'http',
    code: 'status_5xx',
    firstFailureAt: outageStart,
    openedAt: outageStart + 3 * MIN,
    acknowledgedAt: outageStart + 9 * MIN,
    acknowledgedBy: 'token:alice',
    resolvedAt: outageStart + 2 * HOUR,
    failedProbes: 117,
    timeline: [
      {
        at: outageStart + 3 * MIN,
        kind: 'opened',
        message: 'P1: 3 consecutive failures at http (status_5xx)',
      },
      { at: outageStart + 4 * MIN, kind: 'notification', message: 'sent to pager' },
      { at: outageStart + 9 * MIN, kind: 'acknowledged', message: 'acknowledged by token:alice' },
      {
        at: outageStart + 20 * MIN,
        kind: 'status',
        message: 'status changed from investigating to identified by token:alice',
      },
      {
        at: outageStart + 20 * MIN,
        kind: 'update',
        message: 'A configuration change broke the search backend; rolling it back.',
      },
      { at: outageStart + 2 * HOUR, kind: 'resolved', message: '2 consecutive good probes' },
    ],
  });
  const p1 = incident({
    id: IDS.p1,
    server: 'billing-tools',
    severity: 'P1',
    layer: 'transport',
    code: 'connect_refused',
    activeTriggers: ['consecutive_failures'],
    firstFailureAt: now - 5 * MIN,
    openedAt: now - 4 * MIN,
    failedProbes: 5,
    lastGoodAt: now - 6 * MIN,
    timeline: [
      {
        at: now - 4 * MIN,
        kind: 'opened',
        message: 'P1: 3 consecutive failures at transport (connect ECONNREFUSED 203.0.113.9:443)',
      },
      { at: now - 4 * MIN, kind: 'notification', message: 'sent to pager' },
    ],
  });
  const p2 = incident({
    id: IDS.p2,
    server: 'weather',
    severity: 'P2',
    status: 'identified',
    trigger: 'error_rate_15m',
    activeTriggers: ['error_rate_15m'],
    layer: 'http',
    code: 'status_5xx',
    firstFailureAt: now - 40 * MIN,
    openedAt: now - 30 * MIN,
    acknowledgedAt: now - 25 * MIN,
    acknowledgedBy: 'token:bob',
    failedProbes: 9,
    timeline: [
      { at: now - 30 * MIN, kind: 'opened', message: 'P2: 27% failed over 15 min at http (status_5xx)' },
      { at: now - 25 * MIN, kind: 'acknowledged', message: 'acknowledged by token:bob' },
      {
        at: now - 20 * MIN,
        kind: 'status',
        message: 'status changed from investigating to identified by token:bob',
      },
      {
        at: now - 20 * MIN,
        kind: 'update',
        message: 'An upstream weather provider is timing out; we are switching providers.',
      },
    ],
  });
  const warning: Warning = {
    id: 'warn-weather-cert',
    server: 'weather',
    rule: 'cert_expiring',
    message: 'The TLS certificate expires in 9 days',
    openedAt: now - 2 * DAY_MS,
    clearedAt: null,
  };
  await store.writeJudgement({ incidents: [resolved, p1, p2], warnings: [warning] });
  const pm = draftPostmortem(resolved);
  await savePostmortem(store, {
    ...pm,
    why: 'A configuration change pointed the search backend at a retired index.',
    whatWeChange: 'Config changes to the search backend now go through a canary.',
    whenWeVerify: 'By 2025-07-01: the canary has caught a bad config in a drill.',
    status: 'published',
    publishedAt: resolved.resolvedAt! + DAY_MS,
    updatedAt: resolved.resolvedAt! + DAY_MS,
    updatedBy: 'token:alice',
  });
}

export interface Seeded {
  store: SqliteStore;
  view: TestMonitorView;
  now: number;
  adminToken: string;
  readToken: string;
  /** Moves the view's clock forward. */
  advance: (ms: number) => number;
}

/** 90 days of rollups for every server: a quiet background, the 5 June outage of docs-search. */
function seedHistory(store: SqliteStore, config: Config, now: number, everyMinutes: number): void {
  const from = Math.floor(now / DAY_MS) * DAY_MS - 89 * DAY_MS;
  const until = now - 60 * MIN;
  const outage = [Date.UTC(2025, 5, 5, 9, 0), Date.UTC(2025, 5, 5, 11, 0)] as const;
  config.servers.forEach((s, i) => {
    const rows = syntheticRollups(s.name, {
      from,
      until,
      everyMinutes,
      minutesFrom: now - 25 * HOUR,
      seed: i + 1,
      baseMs: 90 + i * 40,
      failRate: (at) =>
        s.name === 'docs-search' && at >= outage[0] && at < outage[1]
          ? 1
          : s.name === 'weather'
            ? 0.001
            : 0.0002,
      failLayer: (at) => (at % 3 === 0 ? 'http' : 'transport'),
    });
    insertRollups(store, rows);
  });
}

export async function createSeededView(opts: { now?: number; everyMinutes?: number } = {}): Promise<Seeded> {
  const now = opts.now ?? SEED_NOW;
  const config = seedConfig();
  const store = openSqliteStore(':memory:');
  seedHistory(store, config, now, opts.everyMinutes ?? 5);
  await store.writeResults([
    ...recentResults('docs-search', now, () => null),
    ...recentResults('billing-tools', now, (at) =>
      at >= now - 5 * MIN ? { layer: 'transport', code: 'connect_refused' } : null,
    ),
    ...recentResults(
      'weather',
      now,
      (at) => (at % (5 * MIN) === 0 ? { layer: 'http', code: 'status_5xx' } : null),
      9,
    ),
    ...recentResults('internal-admin', now, () => null),
  ]);
  await seedSurfaces(store, now);
  await seedJudgement(store, now);
  const tokens = new TokenStore(store, () => now);
  const adminToken = (await tokens.create('alice', 'admin')).token;
  const readToken = (await tokens.create('reader', 'read')).token;
  let clock = now;
  const view = new TestMonitorView({ config, store, now: () => clock });
  return { store, view, now, adminToken, readToken, advance: (ms) => (clock += ms) };
}
