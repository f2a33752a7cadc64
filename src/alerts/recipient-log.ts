/**
 * Per-recipient delivery records of one outbox message, in the store's meta table: a channel that
 * sends one request per recipient (SMS) records each number it reached, so a retry, even after a
 * restart, reaches only the others. The record goes once the message is sent or given up.
 */
import type { Store } from '../store/store.js';
import type { RecipientLog } from './channel.js';

export type RecipientStore = Pick<Store, 'getMeta' | 'setMeta'>;

export const RECIPIENTS_PREFIX = 'alerts:recipients:';

export interface MessageRecipients extends RecipientLog {
  /** Drops the record (when the message is done); a no-op when nothing was recorded. */
  clear(): Promise<void>;
}

export function recipientLog(store: RecipientStore, messageKey: string): MessageRecipients {
  const key = RECIPIENTS_PREFIX + messageKey;
  let known: Set<string> | null = null;
  const load = async (): Promise<Set<string>> => {
    if (known) return known;
    const text = await store.getMeta(key);
    let list: unknown = [];
    try {
      list = text === null ? [] : JSON.parse(text);
    } catch {
      list = [];
    }
    known = new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
    return known;
  };
  return {
    delivered: load,
    async record(recipient) {
      const set = await load();
      set.add(recipient);
      await store.setMeta(key, JSON.stringify([...set]));
    },
    async clear() {
      if ((await load()).size > 0) await store.setMeta(key, null);
    },
  };
}
