/**
 * Requests that other processes (the CLI) leave in the store for the running monitor: a meta row per
 * request, applied and deleted by the monitor's next tick.
 */
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';

export const ACK_REQUEST_PREFIX = 'request:ack:';

export async function applyAckRequests(
  store: Store,
  log: Logger,
  acknowledge: (id: string, by: string) => Promise<unknown>,
): Promise<void> {
  for (const { key, value } of await store.listMeta(ACK_REQUEST_PREFIX)) {
    const id = key.slice(ACK_REQUEST_PREFIX.length);
    let by = 'cli';
    try {
      by = String((JSON.parse(value) as { by?: unknown }).by ?? 'cli');
    } catch {
      // keep the default
    }
    try {
      await acknowledge(id, by);
    } catch (err) {
      log.error({ err, incident: id }, 'could not apply an acknowledgement request');
    }
    await store.setMeta(key, null);
  }
}
