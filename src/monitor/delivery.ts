/**
 * The alert delivery worker as the monitor runs it: the config's channels, this instance's claims
 * on the outbox when the store is shared, and every attempt logged (a failing pass at most once a
 * minute) and handed to the `onDelivery` hook.
 */
import { createChannels } from '../alerts/index.js';
import { DeliveryWorker, type DeliveryEvent } from '../alerts/worker.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../scheduler/index.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { LeaseKeeper } from './leases.js';

export interface DeliveryDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Set when the store is shared: this instance delivers only the messages it claims. */
  keeper: LeaseKeeper | null;
  onDelivery: (e: DeliveryEvent) => void;
}

export function deliveryWorker({
  config,
  store,
  clock,
  log,
  keeper,
  onDelivery,
}: DeliveryDeps): DeliveryWorker {
  const claimMs = config.cluster.outboxClaimMs;
  let lastErrorAt = -Infinity;
  return new DeliveryWorker({
    ...(keeper && {
      claim: async (now: number, limit: number) => ({
        messages: await keeper.leases.claimOutbox(keeper.id, now, claimMs, limit),
        until: now + claimMs,
      }),
    }),
    store,
    channels: createChannels(config.channels),
    now: () => clock.now(),
    onEvent: (e) => {
      if (e.type === 'sent') log.info(e, 'alert delivered');
      else if (e.type !== 'error') log.warn(e, `alert delivery: ${e.type}`);
      else if (clock.now() - lastErrorAt >= 60_000) {
        // A pass that cannot read the outbox (the database away) fails every second: once a minute.
        lastErrorAt = clock.now();
        log.warn(e, 'alert delivery: error');
      }
      onDelivery(e);
    },
  });
}
