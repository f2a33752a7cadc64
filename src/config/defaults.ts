/**
 * Every default of the config in one place (schema/mcpwatch.schema.json repeats them for editors;
 * a test keeps the two equal). Durations in ms.
 */
import { LAYERS, type LayerName } from '../probe/types.js';
import type { IncidentSeverity, ServerRules } from '../engine/types.js';

export const DEFAULTS = {
  server: { port: 8080, host: '127.0.0.1', public: false, publicMetrics: true, region: 'local' },
  agents: { pollMs: 30_000, pushMs: 5_000, offlineAfterMs: 90_000 },
  storage: { sqlite: './data/mcpwatch.db' },
  retention: { rawMs: 30 * 86_400_000, rollupsMs: 400 * 86_400_000 },
  scheduler: { concurrency: 100 },
  cluster: { heartbeatMs: 5_000, leaseTtlMs: 15_000, outboxClaimMs: 60_000 },
  intervalMs: 60_000,
  timeoutMs: 10_000,
  confirm: { everyMs: 15_000, failures: 3 },
  recover: { successes: 2 },
  slo: { target: 99.9, windowMs: 30 * 86_400_000, layers: [...LAYERS] as LayerName[], minSamples: 10 },
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
  } satisfies ServerRules['thresholds'],
  regions: ['local'],
  era: 'auto',
  followRedirects: false,
  auth: 'none',
  escalation: { P1AfterMs: 5 * 60_000, P2AfterMs: 30 * 60_000 },
  digest: { schedule: 'mon 09:00', timezone: 'UTC' },
  channelTimeoutMs: 10_000,
  maintenanceExcludeFromSlo: true,
  telemetry: {
    windowMs: 5 * 60_000,
    errorRate: 0.2,
    minCalls: 20,
    allFailingMinCalls: 10,
    maxBodyBytes: 16 * 1024 * 1024,
    maxToolsPerServer: 100,
  },
} as const;

/** The pseudo-channel that collects P3 findings into the digest instead of sending each one. */
export const DIGEST_ROUTE = 'digest';

/** Default routing by channel type, for a severity that `routes` leaves out (DESIGN's table). */
export const ROUTE_TYPES: Record<IncidentSeverity, readonly string[]> = {
  P1: ['pagerduty', 'opsgenie', 'sms', 'webhook'],
  P2: ['slack', 'discord', 'teams', 'email', 'webhook'],
};

/** Channel types that receive the digest when `digest.channels` is left out. */
export const DIGEST_TYPES: readonly string[] = ['email'];
