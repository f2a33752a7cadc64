import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { DEFAULTS } from '../../src/config/defaults.js';

const FULL = `
# yaml-language-server: $schema=../../schema/mcpwatch.schema.json
server: { port: 9090, host: 0.0.0.0, publicUrl: "https://status.example.com/", public: true }
storage: { postgres: "\${PG_URL}" }
retention: { raw: 14d, rollups: 365d, minuteRollups: 7d }
scheduler: { concurrency: 500 }
cluster: { heartbeat: 2s, leaseTtl: 8s, outboxClaim: 30s }
defaults:
  interval: 30s
  timeout: 5s
  confirm: { every: 10s, failures: 4 }
  recover: { successes: 3 }
  headers: { User-Agent: mcpwatch-test, X-Team: core }
  slo: { target: 99.5, window: 28d }
  thresholds: { errorRate5mP1: 0.5, flappingWindow: 1h }
  regions: [eu-west]
  era: streamable-http
servers:
  - name: docs-search
    url: https://mcp.example.com/mcp
    headers: { Authorization: "Bearer \${DOCS_TOKEN}", x-team: search }
    interval: 2m
    confirm: { every: 20s }
    expect: { minTools: 2, tools: [search, fetch], auth: none }
    slo: { target: 99.95, layers: [transport, http, initialize], minSamples: 20 }
    thresholds: { certExpiringDays: 30, successRate24hHigh: 0.999 }
    tags: [prod, search]
    era: auto
    followRedirects: true
    routes: { P1: [team] }
    telemetry:
      serviceName: docs-search-prod
      errorRate: 0.1
      minCalls: 50
      allFailing: { minCalls: 5 }
      tools: { search: { errorRate: 0.3 }, debug_echo: { alert: false } }
  - name: legacy-sse
    url: http://legacy.example.com/sse
    expect: { auth: required }
    regions: [us-east, eu-west]
    era: sse
    paused: true
channels:
  - { name: pager, type: pagerduty, routingKey: "\${PD_KEY}" }
  - { name: backup, type: opsgenie, apiKey: "\${OG_KEY}", region: eu }
  - { name: team, type: slack, url: "\${SLACK_URL}", timeout: 5s }
  - { name: hook, type: webhook, url: https://ops.example.com/hook, secret: ["\${HOOK_SECRET}", "\${HOOK_SECRET_OLD}"] }
  - name: mail
    type: email
    to: [oncall@example.com]
    from: mcpwatch <alerts@example.com>
    smtp: { host: smtp.example.com, port: 465, secure: true, user: alerts, pass: "\${SMTP_PASS}" }
routes: { P1: [pager, hook], P2: [team, hook], P3: [digest] }
escalation:
  P1: { after: 10m, to: [backup] }
  P2: { after: 1h }
digest: { schedule: "mon,thu 08:30", timezone: Europe/Paris }
maintenance:
  - id: db-upgrade
    servers: [docs-search]
    start: 2025-06-01T22:00:00Z
    end: 2025-06-01T23:30:00+00:00
    title: Database upgrade
    excludeFromSlo: false
  - { servers: all, start: 2025-07-01T00:00:00Z, end: 2025-07-01T01:00:00Z }
statusPages:
  - { slug: public, title: Example MCP status, servers: [docs-search, legacy-sse], logo: https://example.com/logo.svg, description: Our MCP servers }
  - { slug: search, title: Search, servers: [docs-search] }
sources:
  - { name: ecosystem, registry: https://registry.modelcontextprotocol.io, search: github, every: 6h }
  - { registry: https://registry.example.com/v0.1 }
`;

const ENV = {
  PG_URL: 'postgres://mcpwatch@db.internal/mcpwatch',
  DOCS_TOKEN: 'tok-123',
  PD_KEY: 'pd-key',
  OG_KEY: 'og-key',
  SLACK_URL: 'https://hooks.slack.com/services/T/B/X',
  HOOK_SECRET: 'whsec_new',
  HOOK_SECRET_OLD: 'whsec_old',
  SMTP_PASS: 'smtp-pass',
};

const DAY = 86_400_000;

const EXPECTED: Config = {
  file: null,
  server: {
    port: 9090,
    host: '0.0.0.0',
    publicUrl: 'https://status.example.com',
    public: true,
    publicMetrics: true,
    apiCaDirectory: null,
    trustProxy: false,
    region: 'local',
  },
  storage: { postgres: 'postgres://mcpwatch@db.internal/mcpwatch' },
  retention: { rawMs: 14 * DAY, rollupsMs: 365 * DAY, minuteRollupsMs: 7 * DAY },
  scheduler: { concurrency: 500 },
  cluster: { heartbeatMs: 2_000, leaseTtlMs: 8_000, outboxClaimMs: 30_000 },
  servers: [
    {
      name: 'docs-search',
      url: 'https://mcp.example.com/mcp',
      headers: { 'User-Agent': 'mcpwatch-test', Authorization: 'Bearer tok-123', 'x-team': 'search' },
      timeoutMs: 5000,
      era: 'auto',
      followRedirects: true,
      ca: null,
      tags: ['prod', 'search'],
      regions: ['eu-west'],
      expectTools: ['search', 'fetch'],
      calls: [],
      paused: false,
      rules: {
        name: 'docs-search',
        intervalMs: 120_000,
        confirmEveryMs: 20_000,
        confirmFailures: 4,
        recoverSuccesses: 3,
        minTools: 2,
        auth: 'none',
        slo: {
          target: 99.95,
          windowMs: 28 * DAY,
          layers: ['transport', 'http', 'initialize'],
          minSamples: 20,
        },
        thresholds: {
          ...DEFAULTS.thresholds,
          errorRate5mP1: 0.5,
          flappingWindowMs: 3_600_000,
          certExpiringDays: 30,
          successRate24hHigh: 0.999,
        },
      },
      routes: { P1: ['team'] },
      telemetry: {
        serviceName: 'docs-search-prod',
        windowMs: 300_000,
        errorRate: 0.1,
        minCalls: 50,
        alert: true,
        allFailingMinCalls: 5,
        tools: {
          search: { errorRate: 0.3, minCalls: 50, alert: true },
          debug_echo: { errorRate: 0.1, minCalls: 50, alert: false },
        },
      },
      entry: {
        name: 'docs-search',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer tok-123', 'x-team': 'search' },
        interval: '2m',
        confirm: { every: '20s' },
        expect: { minTools: 2, tools: ['search', 'fetch'], auth: 'none' },
        slo: { target: 99.95, layers: ['transport', 'http', 'initialize'], minSamples: 20 },
        thresholds: { certExpiringDays: 30, successRate24hHigh: 0.999 },
        tags: ['prod', 'search'],
        era: 'auto',
        followRedirects: true,
        routes: { P1: ['team'] },
        telemetry: {
          serviceName: 'docs-search-prod',
          errorRate: 0.1,
          minCalls: 50,
          allFailing: { minCalls: 5 },
          tools: { search: { errorRate: 0.3 }, debug_echo: { alert: false } },
        },
      },
    },
    {
      name: 'legacy-sse',
      url: 'http://legacy.example.com/sse',
      headers: { 'User-Agent': 'mcpwatch-test', 'X-Team': 'core' },
      timeoutMs: 5000,
      era: 'sse',
      followRedirects: false,
      ca: null,
      tags: [],
      regions: ['us-east', 'eu-west'],
      expectTools: [],
      calls: [],
      paused: true,
      rules: {
        name: 'legacy-sse',
        intervalMs: 30_000,
        confirmEveryMs: 10_000,
        confirmFailures: 4,
        recoverSuccesses: 3,
        minTools: null,
        auth: 'required',
        slo: {
          target: 99.5,
          windowMs: 28 * DAY,
          layers: ['transport', 'http', 'initialize', 'tools_list', 'tool_call'],
          minSamples: 10,
        },
        thresholds: { ...DEFAULTS.thresholds, errorRate5mP1: 0.5, flappingWindowMs: 3_600_000 },
      },
      routes: null,
      telemetry: {
        serviceName: 'legacy-sse',
        windowMs: 300_000,
        errorRate: 0.2,
        minCalls: 20,
        alert: true,
        allFailingMinCalls: 10,
        tools: {},
      },
      entry: {
        name: 'legacy-sse',
        url: 'http://legacy.example.com/sse',
        expect: { auth: 'required' },
        regions: ['us-east', 'eu-west'],
        era: 'sse',
        paused: true,
      },
    },
  ],
  channels: [
    { name: 'pager', type: 'pagerduty', timeoutMs: 10_000, settings: { routingKey: 'pd-key' } },
    { name: 'backup', type: 'opsgenie', timeoutMs: 10_000, settings: { apiKey: 'og-key', region: 'eu' } },
    {
      name: 'team',
      type: 'slack',
      timeoutMs: 5000,
      settings: { url: 'https://hooks.slack.com/services/T/B/X' },
    },
    {
      name: 'hook',
      type: 'webhook',
      timeoutMs: 10_000,
      settings: { url: 'https://ops.example.com/hook', secret: ['whsec_new', 'whsec_old'] },
    },
    {
      name: 'mail',
      type: 'email',
      timeoutMs: 10_000,
      settings: {
        to: ['oncall@example.com'],
        from: 'mcpwatch <alerts@example.com>',
        smtp: { host: 'smtp.example.com', port: 465, secure: true, user: 'alerts', pass: 'smtp-pass' },
      },
    },
  ],
  routes: { P1: ['pager', 'hook'], P2: ['team', 'hook'], P3: ['digest'] },
  escalation: { P1: { afterMs: 600_000, to: ['backup'] }, P2: { afterMs: 3_600_000, to: ['pager', 'hook'] } },
  digest: {
    cron: '30 8 * * 1,4',
    channels: ['mail'],
    schedule: { days: [1, 4], hour: 8, minute: 30 },
    timezone: 'Europe/Paris',
  },
  maintenance: [
    {
      id: 'db-upgrade',
      servers: ['docs-search'],
      start: Date.parse('2025-06-01T22:00:00Z'),
      end: Date.parse('2025-06-01T23:30:00Z'),
      title: 'Database upgrade',
      excludeFromSlo: false,
    },
    {
      id: 'mw-placeholder',
      servers: 'all',
      start: Date.parse('2025-07-01T00:00:00Z'),
      end: Date.parse('2025-07-01T01:00:00Z'),
      excludeFromSlo: true,
    },
  ],
  statusPages: [
    {
      slug: 'public',
      title: 'Example MCP status',
      servers: ['docs-search', 'legacy-sse'],
      source: null,
      logoUrl: 'https://example.com/logo.svg',
      description: 'Our MCP servers',
    },
    {
      slug: 'search',
      title: 'Search',
      servers: ['docs-search'],
      source: null,
      logoUrl: null,
      description: null,
    },
  ],
  sources: [
    {
      name: 'ecosystem',
      registry: 'https://registry.modelcontextprotocol.io',
      search: 'github',
      everyMs: 21_600_000,
    },
    {
      name: 'registry-example-com',
      registry: 'https://registry.example.com/v0.1',
      search: null,
      everyMs: 3_600_000,
    },
  ],
  telemetry: { maxBodyBytes: 16 * 1024 * 1024, maxToolsPerServer: 100 },
  agents: { pollMs: 30_000, pushMs: 5_000, offlineAfterMs: 90_000 },
  serverDefaults: {
    interval: '30s',
    timeout: '5s',
    confirm: { every: '10s', failures: 4 },
    recover: { successes: 3 },
    headers: { 'User-Agent': 'mcpwatch-test', 'X-Team': 'core' },
    slo: { target: 99.5, window: '28d' },
    thresholds: { errorRate5mP1: 0.5, flappingWindow: '1h' },
    regions: ['eu-west'],
    era: 'streamable-http',
  },
};

test('a full valid config loads into exactly the expected Config, with no problems', () => {
  const { config, problems } = parseConfig(FULL, ENV);
  assert.deepEqual(problems, []);
  assert.ok(config);
  const generatedId = config.maintenance[1]?.id ?? '';
  assert.match(generatedId, /^mw-[0-9a-f]{10}$/);
  const expected = structuredClone(EXPECTED);
  (expected.maintenance[1] as { id: string }).id = generatedId;
  assert.deepEqual(config, expected);
});

test('a generated maintenance id is stable across reordering', () => {
  const a = parseConfig(FULL, ENV).config?.maintenance[1]?.id;
  const swapped = FULL.replace(
    /maintenance:\n([\s\S]*?)\n  - \{ servers: all([^\n]*)\n/,
    (_m, first: string, second: string) => `maintenance:\n  - { servers: all${second}\n${first}\n`,
  );
  const config = parseConfig(swapped, ENV).config;
  assert.equal(config?.maintenance[0]?.id, a);
  assert.equal(config?.maintenance[1]?.id, 'db-upgrade');
});

test("DESIGN's core config, verbatim, loads with its secrets from the environment", () => {
  const design = `server: { port: 8080, publicUrl: http://localhost:8080 }
storage: { sqlite: ./data/mcpwatch.db }        # or { postgres: postgres://… }
defaults:
  interval: 60s
  timeout: 10s
  confirm: { every: 15s, failures: 3 }         # re-probe after a failure; 3 in a row opens P1
  recover: { successes: 2 }
servers:
  - name: docs-search                          # unique, [a-z0-9-]
    url: https://mcp.example.com/mcp
    headers: { Authorization: "Bearer \${DOCS_TOKEN}" }
    expect: { minTools: 1, auth: none }        # auth: none | required
    slo: { target: 99.9 }
channels:
  - { name: pager, type: pagerduty, routingKey: "\${PD_KEY}" }
  - { name: team, type: slack, url: "\${SLACK_URL}" }
  - { name: hook, type: webhook, url: https://ops.example.com/hook, secret: "\${HOOK_SECRET}" }
routes: { P1: [pager, hook], P2: [team, hook], P3: [digest] }
statusPages:
  - { slug: public, title: Example MCP status, servers: [docs-search] }
`;
  const { config, problems } = parseConfig(design, {
    DOCS_TOKEN: 't',
    PD_KEY: 'k',
    SLACK_URL: 'https://hooks.slack.com/services/T/B/X',
    HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  });
  assert.deepEqual(problems, []);
  assert.equal(config?.servers[0]?.rules.minTools, 1);
  assert.deepEqual(config?.routes, { P1: ['pager', 'hook'], P2: ['team', 'hook'], P3: ['digest'] });
  assert.deepEqual(config?.escalation.P2.to, ['pager', 'hook']);
});
