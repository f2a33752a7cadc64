/** Opens the store the config names: SQLite (the embedded default) or PostgreSQL. */
import type { Config } from '../config/types.js';
import type { Logger } from '../util/logger.js';
import { BufferedStore } from './buffered-store.js';
import type { WriteBufferOptions } from './write-buffer.js';
import { openSqliteStore } from './sqlite/index.js';
import { SoloLeases, type Leases } from './leases.js';
import { openPostgresStore, PostgresStore } from './postgres/index.js';
import { PgLeases } from './postgres/leases.js';
import type { Store } from './store.js';

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export interface OpenStoreOptions {
  readOnly?: boolean;
  /**
   * For a long-running process (serve): a PostgreSQL store keeps the writes it cannot make while
   * the connection is lost in memory and writes them when it returns (store/buffered-store.ts).
   */
  buffer?: { log: Pick<Logger, 'warn' | 'info' | 'error'> } & WriteBufferOptions;
}

export async function openStore(storage: Config['storage'], opts: OpenStoreOptions = {}): Promise<Store> {
  if ('postgres' in storage) {
    let store: Store;
    try {
      store = await openPostgresStore(storage.postgres, opts.readOnly ? { migrate: false } : {});
    } catch (err) {
      throw new StoreUnavailableError((err as Error).message);
    }
    return opts.buffer ? new BufferedStore(store, opts.buffer.log, opts.buffer) : store;
  }
  try {
    return openSqliteStore(storage.sqlite, opts.readOnly ? { migrate: false } : {});
  } catch (err) {
    throw new StoreUnavailableError(
      `cannot open the SQLite store at ${storage.sqlite}: ${(err as Error).message}`,
    );
  }
}

/** How instances on this store share the work: lease rows on PostgreSQL, one instance on SQLite. */
export function leasesFor(store: Store): Leases {
  const inner = store instanceof BufferedStore ? store.inner : store;
  return inner instanceof PostgresStore ? new PgLeases(inner.pool) : new SoloLeases(store);
}
