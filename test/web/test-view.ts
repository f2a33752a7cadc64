/**
 * A small in-memory MonitorView over a real Store, for tests, benchmarks and screenshots. It acts
 * like serve would (incident actions append to the timeline by the conventions of monitor-view.ts
 * and write through the store; resolving stores a postmortem draft), judges the stored results with
 * the real engine and summarises them as serve does (or returns fixed ones, for 1,000-server
 * benchmarks), and probes by inventing an ok result.
 */
import { signAckToken, verifyAckToken } from '../../src/alerts/ack-token.js';
import { buildServer } from '../../src/config/build-server.js';
import type { RawServer } from '../../src/config/raw.js';
import type { Config, ServerConfig } from '../../src/config/types.js';
import type { Incident, IncidentStatus, MaintenanceWindow, TimelineEntry } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import type { Store } from '../../src/store/store.js';
import type {
  ChannelHealth,
  MonitorView,
  ServerChange,
  MonitorSummary,
} from '../../src/monitor/monitor-view.js';
import { ensurePostmortemDraft } from '../../src/web/postmortem.js';
import { createState, observe } from '../../src/engine/index.js';
import { monitorSummary } from '../../src/monitor/view.js';
import { lastProbeOf } from '../../src/monitor/last-probe.js';
import { probeResult } from '../store/sample.js';

export const ACK_SECRET = 'test-ack-secret-0123456789abcdef';

export interface TestViewOptions {
  config: Config;
  store: Store;
  now: () => number;
  /** Fixed summaries instead of computing them from the store (benchmarks with many servers). */
  summaries?: MonitorSummary[];
  channels?: ChannelHealth[];
}

export class TestMonitorView implements MonitorView {
  readonly store: Store;
  readonly now: () => number;
  private cfg: Config;
  private extraMaintenance: MaintenanceWindow[] = [];
  private fixed: Map<string, MonitorSummary> | null;
  private channels: ChannelHealth[];
  /** Every call that changed something, for assertions. */
  readonly calls: string[] = [];

  constructor(o: TestViewOptions) {
    this.cfg = o.config;
    this.store = o.store;
    this.now = o.now;
    this.fixed = o.summaries ? new Map(o.summaries.map((s) => [s.server, s])) : null;
    this.channels = o.channels ?? [
      {
        name: 'pager',
        type: 'pagerduty',
        enabled: true,
        lastSuccessAt: o.now() - 3_600_000,
        lastFailureAt: null,
        lastError: null,
        pending: 0,
      },
    ];
  }

  config(): Config {
    return this.cfg;
  }

  servers(): ServerConfig[] {
    return this.cfg.servers;
  }

  async summaries(): Promise<MonitorSummary[]> {
    if (this.fixed)
      return this.cfg.servers.map((s) => this.fixed!.get(s.name)).filter((s): s is MonitorSummary => !!s);
    return Promise.all(this.cfg.servers.map((s) => this.judged(s)));
  }

  async summary(server: string): Promise<MonitorSummary | null> {
    const s = this.cfg.servers.find((c) => c.name === server);
    if (!s) return null;
    if (this.fixed) return this.fixed.get(server) ?? null;
    return this.judged(s);
  }

  /**
   * The real engine's judgement, summarised as serve summarises it (monitor/view.ts): the server's
   * stored results replayed through the engine. The store's open incident is the one the pages show
   * (the seeded incidents are written by hand), as a restart carries it over (monitor/restore.ts).
   */
  private async judged(s: ServerConfig): Promise<MonitorSummary> {
    const rows = (await this.store.listResults({ server: s.name, limit: 5_000 })).reverse();
    const maintenance = this.maintenance();
    let state = createState(s.rules);
    for (const row of rows)
      state = observe(
        state,
        { at: row.at, results: [row.result] },
        { now: row.at, maintenance, inPlace: true },
      ).state;
    const [open] = await this.store.listIncidents({ server: s.name, open: true, limit: 1 });
    state = { ...state, incident: open ?? null };
    const last = rows.at(-1);
    const tracked = {
      cfg: s,
      state,
      lastProbe: last ? lastProbeOf(last.result, last.at) : null,
      surfaceFingerprint: null,
      savedAt: 0,
      tickedAt: 0,
    };
    return monitorSummary(tracked, this.now());
  }

  private async change(id: string, edit: (i: Incident, at: number) => void): Promise<Incident | null> {
    const incident = await this.store.getIncident(id);
    if (!incident) return null;
    edit(incident, this.now());
    await this.store.writeJudgement({ incidents: [incident] });
    return incident;
  }

  private push(i: Incident, at: number, kind: TimelineEntry['kind'], message: string): void {
    i.timeline.push({ at, kind, message });
  }

  acknowledge(id: string, by: string): Promise<Incident | null> {
    this.calls.push(`acknowledge ${id} ${by}`);
    return this.change(id, (i, at) => {
      if (i.acknowledgedAt !== null) return;
      i.acknowledgedAt = at;
      i.acknowledgedBy = by;
      this.push(i, at, 'acknowledged', `acknowledged by ${by}`);
    });
  }

  async resolve(id: string, by: string, message?: string): Promise<Incident | null> {
    this.calls.push(`resolve ${id} ${by}`);
    const incident = await this.change(id, (i, at) => {
      i.status = 'resolved';
      i.resolvedAt = at;
      i.activeTriggers = [];
      this.push(i, at, 'resolved', `resolved by ${by}`);
      if (message) this.push(i, at, 'update', message);
    });
    if (incident) await ensurePostmortemDraft(this.store, incident);
    return incident;
  }

  postUpdate(id: string, status: IncidentStatus, message: string, by: string): Promise<Incident | null> {
    this.calls.push(`update ${id} ${status} ${by}`);
    return this.change(id, (i, at) => {
      if (status !== i.status)
        this.push(i, at, 'status', `status changed from ${i.status} to ${status} by ${by}`);
      i.status = status;
      this.push(i, at, 'update', message);
    });
  }

  verifyAckToken(token: string): string | null {
    const verdict = verifyAckToken(token, ACK_SECRET, this.now());
    return verdict.ok ? verdict.incidentId : null;
  }

  /** A signed link token for an incident (what a notification would carry). */
  ackToken(incidentId: string, ttlMs = 3_600_000): string {
    return signAckToken(incidentId, this.now() + ttlMs, ACK_SECRET);
  }

  private setServers(servers: ServerConfig[]): void {
    this.cfg = { ...this.cfg, servers };
  }

  async addServer(raw: RawServer): Promise<ServerChange> {
    this.calls.push(`add ${raw.name}`);
    if (this.cfg.servers.some((s) => s.name === raw.name)) {
      return { ok: false, reason: 'conflict', message: `a server named "${raw.name}" exists already` };
    }
    if (!/^https?:\/\//.test(raw.url))
      return { ok: false, reason: 'invalid', problems: [{ path: 'url', message: 'must be an http(s) URL' }] };
    const server = buildServer(raw, {}, null);
    this.setServers([...this.cfg.servers, server]);
    return { ok: true, server };
  }

  async updateServer(name: string, patch: Partial<RawServer>): Promise<ServerChange> {
    this.calls.push(`update-server ${name}`);
    const current = this.cfg.servers.find((s) => s.name === name);
    if (!current) return { ok: false, reason: 'not_found' };
    const raw: RawServer = {
      name,
      url: current.url,
      headers: current.headers,
      paused: current.paused,
      tags: current.tags,
      ...patch,
    };
    const server = buildServer(raw, {}, null);
    this.setServers(this.cfg.servers.map((s) => (s.name === name ? server : s)));
    return { ok: true, server };
  }

  async removeServer(name: string): Promise<boolean> {
    this.calls.push(`remove ${name}`);
    const before = this.cfg.servers.length;
    this.setServers(this.cfg.servers.filter((s) => s.name !== name));
    return this.cfg.servers.length < before;
  }

  async pauseServer(name: string, paused: boolean): Promise<ServerChange> {
    this.calls.push(`${paused ? 'pause' : 'resume'} ${name}`);
    const current = this.cfg.servers.find((s) => s.name === name);
    if (!current) return { ok: false, reason: 'not_found' };
    const server = { ...current, paused };
    this.setServers(this.cfg.servers.map((s) => (s.name === name ? server : s)));
    return { ok: true, server };
  }

  async probeNow(name: string): Promise<ProbeResult | null> {
    this.calls.push(`probe ${name}`);
    const server = this.cfg.servers.find((s) => s.name === name);
    if (!server) return null;
    const at = this.now();
    const result = { ...probeResult(at), url: server.url, region: 'local' };
    await this.store.writeResults([{ server: name, region: 'local', at, ok: true, result }]);
    return result;
  }

  maintenance(): MaintenanceWindow[] {
    return [...this.cfg.maintenance, ...this.extraMaintenance];
  }

  async addMaintenance(w: MaintenanceWindow): Promise<MaintenanceWindow> {
    const stored = { ...w, id: w.id ?? `mw-${this.extraMaintenance.length + 1}` };
    this.extraMaintenance.push(stored);
    return stored;
  }

  async removeMaintenance(id: string): Promise<boolean> {
    const before = this.extraMaintenance.length;
    this.extraMaintenance = this.extraMaintenance.filter((w) => w.id !== id);
    return this.extraMaintenance.length < before;
  }

  channelHealth(): ChannelHealth[] {
    return this.channels;
  }
}
