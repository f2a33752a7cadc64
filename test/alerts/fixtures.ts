/** Shared test data for the alerting tests: configs from YAML, incidents, notifications, a clock. */
import type { Config } from '../../src/config/types.js';
import { parseConfig } from '../../src/config/index.js';
import type { Incident } from '../../src/engine/types.js';
import type { Notification } from '../../src/alerts/channel.js';
import type { OutboxMessage } from '../../src/store/store.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';

/** Monday 6 January 2025, 09:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const ACK_SECRET = 'test-ack-secret-0123456789abcdef';

export function configFrom(yaml: string, env: Record<string, string> = {}): Config {
  const { config, problems } = parseConfig(yaml, env);
  if (!config)
    throw new Error(`test config is invalid:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return config;
}

/** The config of the design's example, with channel URLs given by the test. */
export function exampleConfig(urls: { pager: string; team: string; hook: string }, extra = ''): Config {
  return configFrom(
    `
server: { port: 8080, publicUrl: http://localhost:8080 }
storage: { sqlite: ./data/mcpwatch.db }
servers:
  - name: docs-search
    url: https://mcp.example.com/mcp
  - name: billing
    url: https://billing.example.com/mcp
channels:
  - { name: pager, type: pagerduty, routingKey: "\${PD_KEY}", url: "${urls.pager}" }
  - { name: team, type: slack, url: "\${SLACK_URL}" }
  - { name: hook, type: webhook, url: "${urls.hook}", secret: "\${HOOK_SECRET}" }
routes: { P1: [pager, hook], P2: [team, hook], P3: [digest] }
statusPages:
  - { slug: public, title: Example MCP status, servers: [docs-search] }
${extra}`,
    { PD_KEY: PD_KEY, SLACK_URL: urls.team, HOOK_SECRET: HOOK_SECRET },
  );
}

export const PD_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
export const HOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export function incident(p: Partial<Incident> = {}): Incident {
  const openedAt = p.openedAt ?? T0;
  return {
    id: 'inc-1',
    server: 'docs-search',
    severity: 'P1',
    status: 'investigating',
    trigger: 'consecutive_failures',
    activeTriggers: ['consecutive_failures'],
    layer: 'initialize',
    code: 'timeout',
    openedAt,
    firstFailureAt: openedAt - 2 * MIN,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    failedProbes: 3,
    lastGoodAt: openedAt - 3 * MIN,
    timeline: [{ at: openedAt, kind: 'opened', message: 'initialize timed out after 10 s' }],
    ...p,
  };
}

export function notification(p: Partial<Notification> = {}): Notification {
  return {
    kind: 'trigger',
    severity: 'P1',
    server: 'docs-search',
    incidentId: 'inc-1',
    failure: {
      layer: 'initialize',
      step: 'MCP initialize',
      code: 'timeout',
      message: 'initialize timed out after 10 s',
    },
    consecutiveFailures: 3,
    since: T0 - 2 * MIN,
    openedAt: T0,
    lastGoodAt: T0 - 3 * MIN,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    escalation: null,
    raisedFrom: null,
    links: {
      statusPage: 'http://localhost:8080/status/public',
      acknowledge: 'http://localhost:8080/ack/v1.aW5jLTE.1736758800.abc',
      dashboard: 'http://localhost:8080/incidents/inc-1',
    },
    digest: null,
    createdAt: T0,
    ...p,
  };
}

export class SimClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

/** Every outbox row, in insertion order (tests only: reads the SQLite file directly). */
export function outboxRows(store: SqliteStore): OutboxMessage[] {
  const rows = store.db.prepare('SELECT * FROM outbox ORDER BY id').all() as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number,
    key: r.key as string,
    channel: r.channel as string,
    incidentId: r.incident_id as string | null,
    payload: JSON.parse(r.payload as string) as unknown,
    createdAt: r.created_at as number,
    notBefore: r.not_before as number,
    attempts: r.attempts as number,
    status: r.status as OutboxMessage['status'],
    lastError: r.last_error as string | null,
  }));
}

/** A sequence of "random" numbers for full jitter, repeated. */
export function fixedRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}
