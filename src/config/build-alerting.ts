/**
 * Channels, routes, escalation, digest and maintenance as the alerting side reads them.
 *
 * Defaults (documented in docs/config.md):
 * - a severity missing from `routes` goes to the channels of the types DESIGN names for it
 *   (P1: pagerduty, opsgenie, sms, webhook; P2: slack, discord, teams, email, webhook; P3: digest);
 * - escalation.P1: after 5m, to no one unless backup channels are named;
 * - escalation.P2: after 30m, to the P1 route's channels (the paging channels);
 * - digest: "mon 09:00" UTC, to every email channel.
 */
import { createHash } from 'node:crypto';
import type { MaintenanceWindow } from '../engine/types.js';
import { parseWeeklyTime, weeklyTimeToCron } from '../util/weekly-time.js';
import type { ChannelConfig, Config } from './types.js';
import { duration } from './build-server.js';
import { DEFAULTS, DIGEST_ROUTE, DIGEST_TYPES, ROUTE_TYPES } from './defaults.js';
import type { RawChannel, RawConfig, RawMaintenance } from './raw.js';

export function buildChannel(raw: RawChannel): ChannelConfig {
  const { name, type, timeout, ...settings } = raw;
  return { name, type, timeoutMs: duration(timeout, DEFAULTS.channelTimeoutMs), settings };
}

export function buildRoutes(raw: RawConfig, channels: ChannelConfig[]): Config['routes'] {
  const ofTypes = (types: readonly string[]): string[] =>
    channels.filter((c) => types.includes(c.type)).map((c) => c.name);
  return {
    P1: raw.routes?.P1 ?? ofTypes(ROUTE_TYPES.P1),
    P2: raw.routes?.P2 ?? ofTypes(ROUTE_TYPES.P2),
    P3: raw.routes?.P3 ?? [DIGEST_ROUTE],
  };
}

export function buildEscalation(raw: RawConfig, routes: Config['routes']): Config['escalation'] {
  const paging = routes.P1.filter((name) => name !== DIGEST_ROUTE);
  return {
    P1: {
      afterMs: duration(raw.escalation?.P1?.after, DEFAULTS.escalation.P1AfterMs),
      to: raw.escalation?.P1?.to ?? [],
    },
    P2: {
      afterMs: duration(raw.escalation?.P2?.after, DEFAULTS.escalation.P2AfterMs),
      to: raw.escalation?.P2?.to ?? paging,
    },
  };
}

export function buildDigest(raw: RawConfig, channels: ChannelConfig[]): Config['digest'] {
  const schedule = parseWeeklyTime(raw.digest?.schedule ?? DEFAULTS.digest.schedule);
  return {
    cron: weeklyTimeToCron(schedule),
    channels:
      raw.digest?.channels ?? channels.filter((c) => DIGEST_TYPES.includes(c.type)).map((c) => c.name),
    schedule,
    timezone: raw.digest?.timezone ?? DEFAULTS.digest.timezone,
  };
}

export function buildMaintenance(raw: RawMaintenance): MaintenanceWindow {
  const window: MaintenanceWindow = {
    id: raw.id ?? maintenanceId(raw),
    servers: raw.servers === 'all' ? 'all' : [...raw.servers],
    start: Date.parse(raw.start),
    end: Date.parse(raw.end),
    excludeFromSlo: raw.excludeFromSlo ?? DEFAULTS.maintenanceExcludeFromSlo,
  };
  if (raw.title !== undefined) window.title = raw.title;
  return window;
}

/** Stable across reordering and unrelated edits: derived from what the window is. */
function maintenanceId(raw: RawMaintenance): string {
  const key = JSON.stringify([raw.servers, Date.parse(raw.start), Date.parse(raw.end), raw.title ?? '']);
  return `mw-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}
