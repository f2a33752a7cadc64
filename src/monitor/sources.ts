/**
 * Registry sources in a running monitor: their saved servers join the config before the monitor
 * starts (so their history is restored like any server's), and each sync's changes go through the
 * monitor's runtime path (upsert and remove, as the API's), built with the config's `defaults`.
 */
import { buildServer } from '../config/build-server.js';
import type { Config } from '../config/types.js';
import { SourceRunner } from '../registry/runner.js';
import type { SourceTarget } from '../registry/sync.js';
import type { Clock } from '../scheduler/types.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { Monitor } from './monitor.js';

export async function withSources(
  config: Config,
  deps: { store: Store; log: Logger; clock: Clock },
): Promise<{ config: Config; runner: SourceRunner | null }> {
  const sources = config.sources ?? [];
  if (sources.length === 0) return { config, runner: null };
  const runner = new SourceRunner({ sources, ...deps });
  const restored = await runner.restore(new Set(config.servers.map((s) => s.name)));
  const defaults = config.serverDefaults ?? {};
  return {
    config: {
      ...config,
      servers: [...config.servers, ...restored.map((r) => buildServer(r, defaults, null))],
    },
    runner,
  };
}

export function monitorTarget(monitor: Monitor): SourceTarget {
  return {
    servers: () => monitor.servers().map((s) => ({ name: s.name, url: s.url })),
    apply: async ({ upsert, remove, by }) => {
      const defaults = monitor.currentConfig().serverDefaults ?? {};
      await monitor.applyServers(
        upsert.map((r) => buildServer(r, defaults, null)),
        remove,
        by,
      );
    },
  };
}
