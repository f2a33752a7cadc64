/** The validated YAML -> the Config the program runs on (defaults applied, durations in ms). */
import { resolve } from 'node:path';
import { duration, buildServer } from './build-server.js';
import { shareEqualParts } from './share.js';
import {
  buildChannel,
  buildDigest,
  buildEscalation,
  buildMaintenance,
  buildRoutes,
} from './build-alerting.js';
import { DEFAULTS } from './defaults.js';
import type { RawConfig } from './raw.js';
import type { Config, SourceConfig } from './types.js';

/** The default name of a source: its registry's host and search, as a name ([a-z0-9-]+). */
export function defaultSourceName(registry: string, search?: string): string {
  const text = `${new URL(registry).hostname}${search ? `-${search}` : ''}`;
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'registry'
  );
}

function buildSources(raw: RawConfig): SourceConfig[] {
  const taken = new Set((raw.sources ?? []).flatMap((s) => (s.name ? [s.name] : [])));
  return (raw.sources ?? []).map((s) => {
    let name = s.name;
    if (name === undefined) {
      const base = defaultSourceName(s.registry, s.search);
      name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
      taken.add(name);
    }
    return { name, registry: s.registry, search: s.search ?? null, everyMs: duration(s.every, 3_600_000) };
  });
}

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
      ...(raw.retention?.minuteRollups !== undefined
        ? { minuteRollupsMs: duration(raw.retention.minuteRollups, DEFAULTS.retention.rollupsMs) }
        : {}),
    },
    scheduler: {
      concurrency: raw.scheduler?.concurrency ?? DEFAULTS.scheduler.concurrency,
      ...(raw.scheduler?.probeWorkers !== undefined ? { probeWorkers: raw.scheduler.probeWorkers } : {}),
    },
    cluster: {
      heartbeatMs: duration(raw.cluster?.heartbeat, DEFAULTS.cluster.heartbeatMs),
      leaseTtlMs: duration(raw.cluster?.leaseTtl, DEFAULTS.cluster.leaseTtlMs),
      outboxClaimMs: duration(raw.cluster?.outboxClaim, DEFAULTS.cluster.outboxClaimMs),
    },
    servers: shareEqualParts((raw.servers ?? []).map((s) => buildServer(s, raw.defaults ?? {}, baseDir))),
    channels,
    routes,
    escalation: buildEscalation(raw, routes),
    digest: buildDigest(raw, channels),
    maintenance: (raw.maintenance ?? []).map(buildMaintenance),
    statusPages: (raw.statusPages ?? []).map((p) => ({
      slug: p.slug,
      title: p.title,
      servers: [...(p.servers ?? [])],
      source: p.source ?? null,
      logoUrl: p.logo ?? null,
      description: p.description ?? null,
    })),
    sources: buildSources(raw),
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
