/**
 * The one interface every alert channel implements, and the plain data it sends. A Notification is
 * what the outbox stores as a message's payload: JSON, complete, rendered by each channel at send
 * time through the shared texts in text.ts.
 */
import type { IncidentSeverity, Severity } from '../engine/types.js';
import type { ErrorCode, LayerName } from '../probe/types.js';

export type NotificationKind = 'trigger' | 'escalate' | 'acknowledge' | 'resolve' | 'digest' | 'test';

export interface FailureFacts {
  layer: LayerName | null;
  /** The step within the layer, in words an operator uses ("TLS handshake", "tools/list"). */
  step: string | null;
  code: ErrorCode | null;
  /** The probe's own sentence about what it saw, when known. */
  message: string | null;
}

export interface NotificationLinks {
  statusPage: string | null;
  /** Signed, expiring acknowledgement link (trigger and escalate only). */
  acknowledge: string | null;
  dashboard: string | null;
}

export interface DigestWarning {
  server: string;
  rule: string;
  message: string;
  openedAt: number;
  clearedAt: number | null;
}

export interface PostmortemReminder {
  incidentId: string;
  server: string;
  severity: IncidentSeverity;
  resolvedAt: number;
}

export interface DigestContent {
  /** The period covered: [from, to). */
  from: number;
  to: number;
  warnings: DigestWarning[];
  postmortems: PostmortemReminder[];
}

export interface Notification {
  kind: NotificationKind;
  severity: Severity;
  /** Null only for digests and tests that name no server. */
  server: string | null;
  incidentId: string | null;
  failure: FailureFacts | null;
  /** Failed probes in a row when the incident opened (or the latest known count). */
  consecutiveFailures: number | null;
  /** First failed probe of the incident. */
  since: number | null;
  openedAt: number | null;
  lastGoodAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  /** Escalations: the severity whose acknowledgement deadline passed, and the deadline. */
  escalation: { level: IncidentSeverity; afterMs: number } | null;
  /** Trigger sent because the severity was raised (P2 → P1). */
  raisedFrom: 'P2' | null;
  links: NotificationLinks;
  digest: DigestContent | null;
  /** When the notification was planned (ms since epoch). */
  createdAt: number;
}

export interface SendContext {
  /** Aborts the attempt (per-attempt timeout or shutdown). */
  signal: AbortSignal;
  /** The worker's clock, ms since epoch. */
  now: number;
  /** Stable across retries of the same message (the outbox idempotency key). */
  messageId: string;
  /**
   * The recipients this message already reached, kept in the store across retries and restarts (for
   * channels that send one request per recipient, like SMS); absent without a store that keeps it.
   */
  recipients?: RecipientLog;
}

export interface RecipientLog {
  delivered(): Promise<ReadonlySet<string>>;
  record(recipient: string): Promise<void>;
}

export type DeliveryOutcome =
  | { ok: true; status: number; receiverId?: string; answer?: string }
  | {
      ok: false;
      retryable: boolean;
      retryAfterMs?: number;
      status?: number;
      /** Short, secret-free description. */
      error: string;
      /** The receiver says this channel is gone for good (HTTP 410): stop using it. */
      disable?: boolean;
    };

export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Deadline of one delivery attempt, when the channel's config sets one. */
  readonly timeoutMs?: number;
  /**
   * A digest of the channel's config entry (channels/index.ts): a channel disabled by a 410 stays
   * disabled across restarts while its config is the same, and is enabled again once it changes.
   */
  readonly configHash?: string;
  send(n: Notification, ctx: SendContext): Promise<DeliveryOutcome>;
}
