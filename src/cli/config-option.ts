/** The config every command but `probe` reads, with the errors a person can act on. */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { openStore, StoreUnavailableError } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from './io.js';

export const DEFAULT_CONFIG = './mcpwatch.yaml';

export function readConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(file, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** The store a running `serve` writes, for reading commands; a clear error when there is none yet. */
export async function readStore(config: Config): Promise<Store> {
  if ('sqlite' in config.storage && !existsSync(config.storage.sqlite))
    throw new UsageError(
      `no data yet at ${config.storage.sqlite}: start monitoring with \`mcpwatch serve --config ${config.file ?? DEFAULT_CONFIG}\``,
    );
  try {
    return await openStore(config.storage);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new UsageError(err.message);
    throw err;
  }
}
