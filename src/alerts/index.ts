/** The alerting side's public surface, for the monitor, the CLI and web/. */
export type { Channel, DeliveryOutcome, Notification, NotificationKind, SendContext } from './channel.js';
export { createChannel, createChannels, checkChannels, CHANNEL_TYPES } from './channels/index.js';
export { ChannelConfigError } from './settings.js';
export {
  planNotifications,
  planDue,
  planAcknowledgement,
  notificationTimeline,
  outboxKey,
  type PlanOptions,
} from './outbox.js';
export { planDigest, digestContent, type DigestOptions } from './digest.js';
export { nextDigestAt, previousDigestAt, parseDigestSchedule } from './digest-schedule.js';
export { routeChannels, digestChannels, notifiedChannels } from './router.js';
export { isMuted, maintenanceAt, mutedThroughout } from './maintenance.js';
export { escalationsDue, nextEscalationAt, type Escalation } from './escalation.js';
export {
  signAckToken,
  verifyAckToken,
  DEFAULT_ACK_TTL_MS,
  type AckVerdict,
  type AckSecret,
} from './ack-token.js';
export { DeliveryWorker, type DeliveryEvent, type WorkerOptions, type PassSummary } from './worker.js';
export type { ChannelHealth, ChannelWarning } from './health.js';
export { notifyTest, type NotifyTestResult } from './notify-test.js';
export { maskSecret, maskUrl } from './redact.js';
