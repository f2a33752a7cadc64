import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { parseDuration } from '../../src/util/duration.js';

const MINIMAL = 'servers:\n  - { name: docs, url: "https://docs.example.com/mcp" }\n';

test('a minimal config gets every default', () => {
  const { config, problems } = parseConfig(MINIMAL, {});
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    file: null,
    server: {
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      public: false,
      publicMetrics: true,
      apiCaDirectory: null,
      trustProxy: false,
      region: 'local',
    },
    storage: { sqlite: './data/mcpwatch.db' },
    retention: { rawMs: 30 * 86_400_000, rollupsMs: 400 * 86_400_000 },
    scheduler: { concurrency: 100 },
    cluster: { heartbeatMs: 5_000, leaseTtlMs: 15_000, outboxClaimMs: 60_000 },
    servers: [
      {
        name: 'docs',
        url: 'https://docs.example.com/mcp',
        headers: {},
        timeoutMs: 10_000,
        era: 'auto',
        followRedirects: false,
        ca: null,
        tags: [],
        regions: ['local'],
        expectTools: [],
        calls: [],
        paused: false,
        rules: {
          name: 'docs',
          intervalMs: 60_000,
          confirmEveryMs: 15_000,
          confirmFailures: 3,
          recoverSuccesses: 2,
          minTools: null,
          auth: 'none',
          slo: {
            target: 99.9,
            windowMs: 30 * 86_400_000,
            layers: ['transport', 'http', 'initialize', 'tools_list', 'tool_call'],
            minSamples: 10,
          },
          thresholds: {
            errorRate5mP1: 0.6,
            errorRate15mP2: 0.2,
            errorRateElevatedP3: 0.05,
            latencyRegressionFactor: 2,
            latencyTrendFactor: 1.5,
            certExpiringDays: 14,
            flappingTransitions: 4,
            flappingWindowMs: 30 * 60_000,
            softFailures: 3,
            successRate24hLow: 0.95,
            successRate24hHigh: 0.99,
          },
        },
        routes: null,
        telemetry: {
          serviceName: 'docs',
          windowMs: 300_000,
          errorRate: 0.2,
          minCalls: 20,
          alert: true,
          allFailingMinCalls: 10,
          tools: {},
        },
        entry: { name: 'docs', url: 'https://docs.example.com/mcp' },
      },
    ],
    channels: [],
    routes: { P1: [], P2: [], P3: ['digest'] },
    escalation: { P1: { afterMs: 300_000, to: [] }, P2: { afterMs: 1_800_000, to: [] } },
    digest: { cron: '0 9 * * 1', channels: [], schedule: { days: [1], hour: 9, minute: 0 }, timezone: 'UTC' },
    maintenance: [],
    statusPages: [],
    sources: [],
    telemetry: { maxBodyBytes: 16 * 1024 * 1024, maxToolsPerServer: 100 },
    agents: { pollMs: 30_000, pushMs: 5_000, offlineAfterMs: 90_000 },
    serverDefaults: {},
  });
});

test('server values win over defaults, field by field', () => {
  const yaml = [
    'defaults:',
    '  interval: 30s',
    '  confirm: { every: 5s, failures: 5 }',
    '  slo: { target: 99, minSamples: 50 }',
    '  thresholds: { softFailures: 6 }',
    '  headers: { X-A: a, x-b: b }',
    '  followRedirects: true',
    'servers:',
    '  - name: docs',
    '    url: https://docs.example.com/mcp',
    '    confirm: { failures: 2 }',
    '    slo: { window: 7d }',
    '    thresholds: { certExpiringDays: 3 }',
    '    headers: { X-B: B }',
    '    followRedirects: false',
    '',
  ].join('\n');
  const server = parseConfig(yaml, {}).config?.servers[0];
  assert.ok(server);
  assert.deepEqual(server.headers, { 'X-A': 'a', 'X-B': 'B' });
  assert.equal(server.followRedirects, false);
  assert.equal(server.rules.intervalMs, 30_000);
  assert.equal(server.rules.confirmEveryMs, 5000);
  assert.equal(server.rules.confirmFailures, 2);
  assert.deepEqual(server.rules.slo, {
    target: 99,
    windowMs: 7 * 86_400_000,
    layers: DEFAULTS.slo.layers,
    minSamples: 50,
  });
  assert.equal(server.rules.thresholds.softFailures, 6);
  assert.equal(server.rules.thresholds.certExpiringDays, 3);
});

test('routes left out are filled by channel type; escalation and digest defaults follow', () => {
  const yaml = `${MINIMAL}channels:
  - { name: pd, type: pagerduty, routingKey: "\${K}" }
  - { name: sms, type: sms, accountSid: "\${K}", authToken: "\${K}", from: "+1555", to: "+1666" }
  - { name: chat, type: slack, url: "\${U}" }
  - { name: hook, type: webhook, url: "\${U}", secret: "\${S}" }
  - { name: mail, type: email, to: a@example.com, from: b@example.com, smtp: { host: localhost } }
routes: { P3: [digest, mail] }
`;
  const { config, problems } = parseConfig(yaml, {
    K: 'k',
    U: 'https://h.example.com/x',
    S: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.routes, {
    P1: ['pd', 'sms', 'hook'],
    P2: ['chat', 'hook', 'mail'],
    P3: ['digest', 'mail'],
  });
  assert.deepEqual(config?.escalation, {
    P1: { afterMs: 300_000, to: [] },
    P2: { afterMs: 1_800_000, to: ['pd', 'sms', 'hook'] },
  });
  assert.deepEqual(config?.digest.channels, ['mail']);
});

test('the schema states the same defaults as the code', () => {
  const schema = configSchema() as Record<string, any>;
  const defs = schema['$defs'];
  const props = schema['properties'];
  const d = (s: { default?: unknown }): unknown => s.default;
  const ms = (s: { default?: string }): number => parseDuration(s.default ?? '');
  assert.equal(d(props.server.properties.port), DEFAULTS.server.port);
  assert.equal(d(props.server.properties.host), DEFAULTS.server.host);
  assert.equal(d(props.server.properties.public), DEFAULTS.server.public);
  assert.equal(d(props.storage.properties.sqlite), DEFAULTS.storage.sqlite);
  assert.equal(ms(props.retention.properties.raw), DEFAULTS.retention.rawMs);
  assert.equal(ms(props.retention.properties.rollups), DEFAULTS.retention.rollupsMs);
  assert.equal(d(props.scheduler.properties.concurrency), DEFAULTS.scheduler.concurrency);
  assert.equal(ms(props.defaults.properties.interval), DEFAULTS.intervalMs);
  assert.equal(ms(props.defaults.properties.timeout), DEFAULTS.timeoutMs);
  assert.equal(ms(defs.confirm.properties.every), DEFAULTS.confirm.everyMs);
  assert.equal(d(defs.confirm.properties.failures), DEFAULTS.confirm.failures);
  assert.equal(d(defs.recover.properties.successes), DEFAULTS.recover.successes);
  assert.equal(d(defs.slo.properties.target), DEFAULTS.slo.target);
  assert.equal(ms(defs.slo.properties.window), DEFAULTS.slo.windowMs);
  assert.deepEqual(d(defs.slo.properties.layers), DEFAULTS.slo.layers);
  assert.equal(d(defs.slo.properties.minSamples), DEFAULTS.slo.minSamples);
  for (const [key, value] of Object.entries(DEFAULTS.thresholds)) {
    const schemaKey = key === 'flappingWindowMs' ? 'flappingWindow' : key;
    const s = defs.thresholds.properties[schemaKey];
    assert.equal(key === 'flappingWindowMs' ? ms(s) : d(s), value, key);
  }
  assert.deepEqual(d(defs.regions), DEFAULTS.regions);
  assert.equal(d(defs.era), DEFAULTS.era);
  assert.equal(ms(props.escalation.properties.P1.properties.after), DEFAULTS.escalation.P1AfterMs);
  assert.equal(ms(props.escalation.properties.P2.properties.after), DEFAULTS.escalation.P2AfterMs);
  assert.equal(d(props.digest.properties.schedule), DEFAULTS.digest.schedule);
  assert.equal(d(props.digest.properties.timezone), DEFAULTS.digest.timezone);
});
