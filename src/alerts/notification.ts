/**
 * Builds the Notification for an incident (or a test) from the engine's Incident and the config:
 * the facts a responder needs and the links, computed once when the message is planned.
 */
import type { Config } from '../config/types.js';
import type { Incident, IncidentSeverity } from '../engine/types.js';
import type { ErrorCode, LayerName } from '../probe/types.js';
import type { AckSecret } from './ack-token.js';
import { DEFAULT_ACK_TTL_MS } from './ack-token.js';
import type { FailureFacts, Notification, NotificationKind } from './channel.js';
import { ackLink, dashboardLink, statusPageLink } from './links.js';

export interface NotificationOptions {
  /** Signs acknowledgement links; without it notifications carry none. */
  ackSecret?: AckSecret | null;
  ackTtlMs?: number;
}

/** The step within a layer, named the way an operator would check it by hand. */
export function failureStep(layer: LayerName | null, code: ErrorCode | null): string | null {
  switch (layer) {
    case null:
      return null;
    case 'transport':
      if (code?.startsWith('dns_')) return 'DNS lookup';
      if (code?.startsWith('tls_')) return 'TLS handshake';
      if (code === 'connection_reset') return 'connection';
      if (code === 'blocked_address') return 'address check';
      return 'TCP connect';
    case 'http':
      return 'HTTP request';
    case 'initialize':
      return 'MCP initialize';
    case 'tools_list':
      return 'tools/list';
    case 'tool_call':
      return 'tools/call';
  }
}

/** The probe's words about the failure: the latest trigger or opening entry of the timeline. */
function failureMessage(incident: Incident): string | null {
  for (let i = incident.timeline.length - 1; i >= 0; i--) {
    const e = incident.timeline[i];
    if (e && (e.kind === 'trigger' || e.kind === 'opened')) return e.message;
  }
  return null;
}

export function failureFacts(incident: Incident): FailureFacts {
  return {
    layer: incident.layer,
    step: failureStep(incident.layer, incident.code),
    code: incident.code,
    message: failureMessage(incident),
  };
}

export interface IncidentNotificationExtra {
  escalation?: { level: IncidentSeverity; afterMs: number };
  raisedFrom?: 'P2';
}

export function incidentNotification(
  kind: Exclude<NotificationKind, 'digest' | 'test'>,
  incident: Incident,
  config: Config,
  now: number,
  opts: NotificationOptions = {},
  extra: IncidentNotificationExtra = {},
): Notification {
  const wantsAck = (kind === 'trigger' || kind === 'escalate') && incident.acknowledgedAt === null;
  const secret = opts.ackSecret ?? null;
  return {
    kind,
    severity: extra.escalation?.level ?? incident.severity,
    server: incident.server,
    incidentId: incident.id,
    failure: failureFacts(incident),
    consecutiveFailures: incident.failedProbes,
    since: incident.firstFailureAt ?? incident.openedAt,
    openedAt: incident.openedAt,
    lastGoodAt: incident.lastGoodAt,
    acknowledgedAt: incident.acknowledgedAt,
    acknowledgedBy: incident.acknowledgedBy,
    resolvedAt: incident.resolvedAt,
    escalation: extra.escalation ?? null,
    raisedFrom: extra.raisedFrom ?? null,
    links: {
      statusPage: statusPageLink(config, incident.server),
      acknowledge:
        wantsAck && secret !== null
          ? ackLink(config, incident.id, secret, now + (opts.ackTtlMs ?? DEFAULT_ACK_TTL_MS))
          : null,
      dashboard: dashboardLink(config, incident.id),
    },
    digest: null,
    createdAt: now,
  };
}

/** A clearly-marked test alert: invented facts, no incident, nothing to acknowledge. */
export function testNotification(config: Config, now: number): Notification {
  return {
    kind: 'test',
    severity: 'P1',
    server: 'example-server',
    incidentId: null,
    failure: {
      layer: 'initialize',
      step: 'MCP initialize',
      code: 'timeout',
      message: 'This is a test: no server is down.',
    },
    consecutiveFailures: 3,
    since: now - 3 * 60_000,
    openedAt: now,
    lastGoodAt: now - 4 * 60_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    escalation: null,
    raisedFrom: null,
    links: { statusPage: null, acknowledge: null, dashboard: dashboardLink(config, null) },
    digest: null,
    createdAt: now,
  };
}

/** Outbox payloads come back as unknown: accept only what looks like a Notification. */
export function isNotification(x: unknown): x is Notification {
  if (typeof x !== 'object' || x === null) return false;
  const n = x as Record<string, unknown>;
  const kinds: readonly string[] = ['trigger', 'escalate', 'acknowledge', 'resolve', 'digest', 'test'];
  return (
    typeof n.kind === 'string' &&
    kinds.includes(n.kind) &&
    (n.severity === 'P1' || n.severity === 'P2' || n.severity === 'P3') &&
    typeof n.createdAt === 'number' &&
    typeof n.links === 'object' &&
    n.links !== null
  );
}
