/**
 * One server region by region: the last result each region delivered and its latency and error rate
 * over the last hour (from the per-region rollups), with the agent's liveness. What the API's
 * /servers/{name}/regions, the dashboard's Regions table and the status pages show.
 */
import type { AgentStatus } from '../agent/protocol.js';
import type { ServerConfig } from '../config/types.js';
import type { Failure } from '../probe/types.js';
import type { MonitorView } from '../monitor/monitor-view.js';
import type { Store } from '../store/store.js';
import { windowStats } from './stats.js';

export interface RegionRow {
  region: string;
  /** True for the hub's own region. */
  hub: boolean;
  last: { at: number; ok: boolean; durationMs: number; failure: Failure | null } | null;
  lastHour: {
    probes: number;
    failed: number;
    errorRate: number | null;
    p50: number | null;
    p95: number | null;
  };
  /** The agent of the region (null for the hub's own). */
  agent: { online: boolean; lastSeenAt: number | null } | null;
}

export async function regionRows(
  store: Store,
  server: ServerConfig,
  now: number,
  hubRegion: string,
  agents: readonly AgentStatus[],
): Promise<RegionRow[]> {
  const spec = { name: '1h', ms: 3_600_000 };
  return Promise.all(
    server.regions.map(async (region) => {
      const [last] = await store.listResults({ server: server.name, region, limit: 1 });
      const [w] = await windowStats(store, server.name, [spec], now, region);
      const a = agents.find((x) => x.region === region);
      return {
        region,
        hub: region === hubRegion,
        last: last
          ? { at: last.at, ok: last.ok, durationMs: last.result.durationMs, failure: last.result.failure }
          : null,
        lastHour: {
          probes: w?.total ?? 0,
          failed: w?.failed ?? 0,
          errorRate: w?.errorRate ?? null,
          p50: w?.latencyMs.total.p50 ?? null,
          p95: w?.latencyMs.total.p95 ?? null,
        },
        agent:
          region === hubRegion ? null : { online: a?.online ?? false, lastSeenAt: a?.lastSeenAt ?? null },
      };
    }),
  );
}

/** The region the hub itself probes from. */
export function hubRegionOf(view: MonitorView): string {
  return view.agents?.hubRegion ?? view.config().server.region ?? 'local';
}

/** regionRows() for a server of the view, with the view's hub region and agents. */
export function viewRegionRows(
  view: MonitorView,
  server: ServerConfig,
  now = view.now(),
): Promise<RegionRow[]> {
  return regionRows(view.store, server, now, hubRegionOf(view), view.agents?.agents() ?? []);
}
