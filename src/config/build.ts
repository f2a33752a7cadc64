/** The validated YAML -> the Config the program runs on (defaults applied, durations in ms). */
import { resolve } from 'node:path';
import { duration, buildServer } from './build-server.js';
import {
  buildChannel,
  buildDigest,
  buildEscalation,
  buildMaintenance,
  buildRoutes,
} from './build-alerting.js';
import { DEFAULTS } from './defaults.js';
import type { RawConfig } from './raw.js';
import type { Config } from './types.js';

export function buildConfig(raw: RawConfig, file: string | null, baseDir: string | null): Config {
  const port = raw.server?.port ?? DEFAULTS.server.port;
  const channels = (raw.channels ?? []).map(buildChannel);
  const routes = buildRoutes(raw, channels);
  return {
    file,
    server: {
      port,
      host: raw.server?.host ?? DEFAULTS.server.host,
      publicUrl: (raw.server?.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      public: raw.server?.public ?? DEFAULTS.server.public,
      publicMetrics: raw.server?.publicMetrics ?? DEFAULTS.server.publicMetrics,
      trustProxy: raw.server?.trustProxy ?? false,
      region: raw.server?.region ?? DEFAULTS.server.region,
      apiCaDirectory:
        raw.server?.apiCaDirectory === undefined ? null : resolve(baseDir ?? '.', raw.server.apiCaDirectory),
    },
    storage:
      raw.storage?.postgres !== undefined
        ? { postgres: raw.storage.postgres }
        : { sqlite: raw.storage?.sqlite ?? DEFAULTS.storage.sqlite },
    retention: {
      rawMs: duration(raw.retention?.raw, DEFAULTS.retention.rawMs),
      rollupsMs: duration(raw.retention?.rollups, DEFAULTS.retention.rollupsMs),
    },
    scheduler: {
      concurrency: raw.scheduler?.concurrency ?? DEFAULTS.scheduler.concurrency,
      ...(raw.scheduler?.probeWorkers !== undefined ? { probeWorkers: raw.scheduler.probeWorkers } : {}),
    },
    servers: (raw.servers ?? []).map((s) => buildServer(s, raw.defaults ?? {}, baseDir)),
    channels,
    routes,
    escalation: buildEscalation(raw, routes),
    digest: buildDigest(raw, channels),
    maintenance: (raw.maintenance ?? []).map(buildMaintenance),
    statusPages: (raw.statusPages ?? []).map((p) => ({
      slug: p.slug,
      title: p.title,
      servers: [...p.servers],
      logoUrl: p.logo ?? null,
      description: p.description ?? null,
    })),
    telemetry: {
      maxBodyBytes: raw.telemetry?.maxBodyBytes ?? DEFAULTS.telemetry.maxBodyBytes,
      maxToolsPerServer: raw.telemetry?.maxToolsPerServer ?? DEFAULTS.telemetry.maxToolsPerServer,
    },
    agents: {
      pollMs: duration(raw.agents?.pollEvery, DEFAULTS.agents.pollMs),
      pushMs: duration(raw.agents?.pushEvery, DEFAULTS.agents.pushMs),
      offlineAfterMs: duration(raw.agents?.offlineAfter, DEFAULTS.agents.offlineAfterMs),
    },
    serverDefaults: structuredClone(raw.defaults ?? {}),
  };
}
