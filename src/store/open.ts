/** Opens the store the config names: SQLite (the embedded default) or PostgreSQL. */
import type { Config } from '../config/types.js';
import { openSqliteStore } from './sqlite/index.js';
import { SoloLeases, type Leases } from './leases.js';
import { openPostgresStore, PostgresStore } from './postgres/index.js';
import { PgLeases } from './postgres/leases.js';
import type { Store } from './store.js';

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export async function openStore(
  storage: Config['storage'],
  opts: { readOnly?: boolean } = {},
): Promise<Store> {
  if ('postgres' in storage) {
    try {
      return await openPostgresStore(storage.postgres, opts.readOnly ? { migrate: false } : {});
    } catch (err) {
      throw new StoreUnavailableError((err as Error).message);
    }
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
  return store instanceof PostgresStore ? new PgLeases(store.pool) : new SoloLeases(store);
}
