/**
 * The channel registry: a config entry's `type` picks the file that builds it. Building validates
 * the settings, so a bad channel fails at startup (and in check-config), not at 3 a.m.
 */
import { createHash } from 'node:crypto';
import type { ChannelConfig } from '../../config/types.js';
import type { Channel } from '../channel.js';
import { ChannelConfigError } from '../settings.js';
import { createDiscordChannel } from './discord.js';
import { createEmailChannel } from './email.js';
import { createOpsgenieChannel } from './opsgenie.js';
import { createPagerDutyChannel } from './pagerduty.js';
import { createSlackChannel } from './slack.js';
import { createSmsChannel } from './sms.js';
import { createTeamsChannel } from './teams.js';
import { createWebhookChannel } from './webhook.js';

const FACTORIES: Record<string, (cfg: ChannelConfig) => Channel> = {
  webhook: createWebhookChannel,
  pagerduty: createPagerDutyChannel,
  opsgenie: createOpsgenieChannel,
  slack: createSlackChannel,
  discord: createDiscordChannel,
  teams: createTeamsChannel,
  email: createEmailChannel,
  sms: createSmsChannel,
};

export const CHANNEL_TYPES: readonly string[] = Object.keys(FACTORIES);

export function createChannel(cfg: ChannelConfig): Channel {
  const factory = FACTORIES[cfg.type];
  if (!factory)
    throw new ChannelConfigError(
      cfg.name,
      'type',
      `unknown channel type "${cfg.type}" (known: ${CHANNEL_TYPES.join(', ')})`,
    );
  const channel = factory(cfg);
  const timeoutMs = cfg.timeoutMs > 0 ? cfg.timeoutMs : channel.timeoutMs;
  return {
    name: channel.name,
    type: channel.type,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    configHash: createHash('sha256').update(JSON.stringify(cfg)).digest('hex').slice(0, 16),
    send: channel.send.bind(channel),
  };
}

/** Builds every configured channel; throws the first configuration problem. */
export function createChannels(configs: readonly ChannelConfig[]): Map<string, Channel> {
  return new Map(configs.map((c) => [c.name, createChannel(c)]));
}

/** Every channel configuration problem, for check-config. */
export function checkChannels(configs: readonly ChannelConfig[]): ChannelConfigError[] {
  const problems: ChannelConfigError[] = [];
  for (const c of configs) {
    try {
      createChannel(c);
    } catch (err) {
      if (err instanceof ChannelConfigError) problems.push(err);
      else throw err;
    }
  }
  return problems;
}
