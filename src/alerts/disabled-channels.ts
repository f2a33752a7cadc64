/**
 * Channels disabled by a 410 (the receiver says the channel is gone), remembered in the store's meta
 * table so that a restart does not start sending to them again. A record holds for the config it was
 * made under: once the channel's config entry changes (a new URL or key), the channel is enabled.
 */
import type { Store } from '../store/store.js';
import type { Channel } from './channel.js';

export type DisabledStore = Pick<Store, 'getMeta' | 'setMeta' | 'listMeta'>;

export const DISABLED_PREFIX = 'alerts:disabled:';

interface DisabledRecord {
  reason: string;
  at: number;
  configHash: string | null;
}

export async function rememberDisabled(store: DisabledStore, channel: Channel, reason: string, at: number) {
  const record: DisabledRecord = { reason, at, configHash: channel.configHash ?? null };
  await store.setMeta(DISABLED_PREFIX + channel.name, JSON.stringify(record));
}

export async function forgetDisabled(store: DisabledStore, channel: string): Promise<void> {
  await store.setMeta(DISABLED_PREFIX + channel, null);
}

/** The channels still disabled (name → reason); records of changed or removed channels are dropped. */
export async function loadDisabled(
  store: DisabledStore,
  channels: ReadonlyMap<string, Channel>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { key, value } of await store.listMeta(DISABLED_PREFIX)) {
    const name = key.slice(DISABLED_PREFIX.length);
    const channel = channels.get(name);
    let record: DisabledRecord | null = null;
    try {
      record = JSON.parse(value) as DisabledRecord;
    } catch {
      record = null;
    }
    if (channel && record && (record.configHash ?? null) === (channel.configHash ?? null)) {
      out.set(name, record.reason);
    } else {
      await store.setMeta(key, null);
    }
  }
  return out;
}
