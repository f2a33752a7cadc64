/**
 * The running monitor as web/ sees it (MonitorView): the engine's summaries in the shape the pages
 * want, incident actions, and server and maintenance changes made through the API (kept in the
 * store's meta table, so they survive restarts; the file stays as written).
 */
import type { TelemetryFace } from '../telemetry/telemetry.js';
import type { AgentHubFace } from '../agent/protocol.js';
import type { ToolFacts } from '../engine/types.js';
import { parseServerEntry, type Config, type ServerConfig } from '../config/index.js';
import type { RawServer } from '../config/raw.js';
import { summarize } from '../engine/index.js';
import type { IncidentStatus, MaintenanceWindow } from '../engine/types.js';
import type { Store } from '../store/store.js';
import type {
  ChannelHealth,
  ClusterSummary,
  MonitorSummary,
  MonitorView,
  ServerChange,
} from './monitor-view.js';
import type { Monitor } from './monitor.js';
import type { Tracked } from './tracked.js';
import {
  API_MAINTENANCE_PREFIX,
  API_SERVER_PREFIX,
  parseStoredServer,
  parseStoredWindow,
  readApiChanges,
  type ApiChangeFollower,
} from './api-changes.js';

const DAY_MS = 86_400_000;

/** The engine's summary of a tracked server, with what only the monitor knows (paused, the last stored result). */
export function monitorSummary(t: Tracked, now: number): MonitorSummary {
  const p = t.lastProbe;
  const e = summarize(t.state, now, { paused: t.cfg.paused });
  return {
    ...e,
    paused: t.cfg.paused,
    tlsDaysRemaining:
      p && p.tlsDaysRemaining !== null
        ? Math.round((p.tlsDaysRemaining - (now - p.at) / DAY_MS) * 100) / 100
        : null,
    lastProbe: p
      ? { at: p.at, region: p.region, ok: e.failure === null, durationMs: p.durationMs, failure: p.failure }
      : null,
  };
}

export class MonitorViewAdapter implements MonitorView {
  readonly store: Store;
  readonly telemetry?: TelemetryFace;
  readonly agents?: AgentHubFace;
  /** Shared store: the other instances follow these changes; ours are recorded there as ours. */
  private readonly apiChanges: ApiChangeFollower | null;

  constructor(
    private readonly monitor: Monitor,
    opts: { telemetry?: TelemetryFace; agents?: AgentHubFace; apiChanges?: ApiChangeFollower | null } = {},
  ) {
    this.store = monitor.store;
    if (opts.telemetry) this.telemetry = opts.telemetry;
    if (opts.agents) this.agents = opts.agents;
    this.apiChanges = opts.apiChanges ?? null;
  }

  /** A change made through the API: never interleaved with following other instances' changes. */
  private change<T>(fn: () => Promise<T>): Promise<T> {
    return this.apiChanges ? this.apiChanges.exclusive(fn) : fn();
  }

  private async writeMeta(key: string, value: string | null): Promise<void> {
    await this.store.setMeta(key, value);
    this.apiChanges?.wrote(key, value);
  }

  toolFacts(server: string): ToolFacts | null {
    return this.monitor.get(server)?.state.memory.tools ?? null;
  }

  config(): Config {
    return this.monitor.currentConfig();
  }

  now(): number {
    return this.monitor.now();
  }

  servers(): ServerConfig[] {
    return this.monitor.servers();
  }

  async summaries(): Promise<MonitorSummary[]> {
    await this.monitor.followed();
    const now = this.now();
    return this.servers().map((s) => this.summaryOf(this.monitor.get(s.name)!, now));
  }

  async summary(server: string): Promise<MonitorSummary | null> {
    await this.monitor.followed();
    const t = this.monitor.get(server);
    return t ? this.summaryOf(t, this.now()) : null;
  }

  private summaryOf(t: Tracked, now: number): MonitorSummary {
    return monitorSummary(t, now);
  }

  acknowledge(id: string, by: string) {
    return this.monitor.acknowledge(id, by);
  }

  resolve(id: string, by: string, message?: string) {
    return this.monitor.resolve(id, by, message);
  }

  postUpdate(id: string, status: IncidentStatus, message: string) {
    return this.monitor.postUpdate(id, status, message);
  }

  verifyAckToken(token: string): string | null {
    return this.monitor.verifyAckToken(token);
  }

  async addServer(raw: RawServer): Promise<ServerChange> {
    return this.change(async () => {
      const name = (raw as { name?: unknown }).name;
      if (typeof name === 'string' && this.monitor.get(name))
        return { ok: false, reason: 'conflict', message: `a server named "${name}" exists already` };
      return this.apply(raw);
    });
  }

  async updateServer(name: string, patch: Partial<RawServer>): Promise<ServerChange> {
    return this.change(async () => {
      const t = this.monitor.get(name);
      if (!t) return { ok: false, reason: 'not_found' };
      return this.apply({ ...(t.cfg.entry ?? { name, url: t.cfg.url }), ...patch } as RawServer, name);
    });
  }

  async pauseServer(name: string, paused: boolean): Promise<ServerChange> {
    return this.updateServer(name, { paused } as Partial<RawServer>);
  }

  async removeServer(name: string, by?: string): Promise<boolean> {
    return this.change(async () => {
      if (!(await this.monitor.removeServer(name, by))) return false;
      await this.writeMeta(API_SERVER_PREFIX + name, JSON.stringify({ removed: true }));
      return true;
    });
  }

  private async apply(raw: RawServer, replacing?: string): Promise<ServerChange> {
    const { server, problems } = parseServerEntry(raw, this.config(), replacing ? { replacing } : {});
    if (!server)
      return {
        ok: false,
        reason: 'invalid',
        problems: problems
          .filter((p) => p.severity === 'error')
          .map((p) => ({ path: p.path.replace(/^servers\[0\]\.?/, ''), message: p.message })),
      };
    await this.monitor.upsertServer(server);
    await this.writeMeta(API_SERVER_PREFIX + server.name, JSON.stringify(server.entry ?? raw));
    return { ok: true, server };
  }

  probeNow(name: string) {
    return this.monitor.probeNow(name);
  }

  maintenance(): MaintenanceWindow[] {
    return this.monitor.maintenance();
  }

  async addMaintenance(w: MaintenanceWindow): Promise<MaintenanceWindow> {
    return this.change(async () => {
      const window = { ...w, id: w.id ?? `api-${w.start.toString(36)}-${w.end.toString(36)}` };
      this.monitor.addMaintenance(window);
      await this.writeMeta(API_MAINTENANCE_PREFIX + window.id, JSON.stringify(window));
      return window;
    });
  }

  async removeMaintenance(id: string): Promise<boolean> {
    return this.change(async () => {
      if (!this.monitor.removeMaintenance(id)) return false;
      await this.writeMeta(API_MAINTENANCE_PREFIX + id, null);
      return true;
    });
  }

  async cluster(): Promise<ClusterSummary | null> {
    const c = await this.monitor.cluster();
    if (!c) return null;
    const now = this.now();
    const held = new Map<string, string[]>();
    const unheld: string[] = [];
    for (const l of c.leases) {
      if (l.holder === null || l.expiresAt <= now) unheld.push(l.server);
      else held.set(l.holder, [...(held.get(l.holder) ?? []), l.server]);
    }
    return {
      self: c.self.self.id,
      instances: c.instances.map((i) => ({
        id: i.id,
        host: i.host,
        pid: i.pid,
        url: i.url,
        startedAt: i.startedAt,
        heartbeatAt: i.heartbeatAt,
        alive: i.expiresAt > now,
        leases: held.get(i.id) ?? [],
      })),
      unheld,
    };
  }

  channelHealth(): ChannelHealth[] {
    return this.monitor.worker.health().map((h) => ({
      name: h.channel,
      type: h.type,
      enabled: !h.disabled,
      lastSuccessAt: h.lastSuccessAt,
      lastFailureAt: h.lastErrorAt,
      lastError: h.lastError,
      pending: h.pending,
    }));
  }
}

/**
 * The config as the API left it: servers added, changed or removed through the API (meta entries)
 * applied over the file's, and the maintenance windows added through the API. A stored entry that
 * cannot be read is a problem and left out. `seen` holds every stored text read (the follower of a
 * shared store starts from it, api-changes.ts).
 */
export async function withApiChanges(
  config: Config,
  store: Store,
): Promise<{
  config: Config;
  maintenance: MaintenanceWindow[];
  problems: string[];
  seen: Map<string, string>;
}> {
  const servers = new Map(config.servers.map((s) => [s.name, s]));
  const problems: string[] = [];
  const maintenance: MaintenanceWindow[] = [];
  const stored = await readApiChanges(store);
  for (const { key, value } of stored) {
    if (key.startsWith(API_MAINTENANCE_PREFIX)) {
      const p = parseStoredWindow(key.slice(API_MAINTENANCE_PREFIX.length), value);
      if (p.ok) maintenance.push(p.value);
      else problems.push(`maintenance window ${key.slice(API_MAINTENANCE_PREFIX.length)}: ${p.problem}`);
      continue;
    }
    const name = key.slice(API_SERVER_PREFIX.length);
    const p = parseStoredServer(value);
    if (!p.ok) {
      problems.push(`${name}: ${p.problem}`);
      continue;
    }
    if (p.value.removed) {
      servers.delete(name);
      continue;
    }
    const { server, problems: found } = parseServerEntry(
      p.value.raw,
      { ...config, servers: [...servers.values()] },
      servers.has(name) ? { replacing: name } : {},
    );
    if (server) servers.set(name, server);
    else problems.push(`${name}: ${found.map((x) => x.message).join('; ')}`);
  }
  return {
    config: { ...config, servers: [...servers.values()] },
    maintenance,
    problems,
    seen: new Map(stored.map((e) => [e.key, e.value])),
  };
}
