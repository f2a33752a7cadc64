/**
 * Prometheus metrics (prom-client, one registry per app). Probe and notification metrics are pushed
 * by serve through recordProbe()/recordNotification(); incident, warning, state, SLO, TLS and
 * channel gauges are read from the monitor at scrape time; process health comes from prom-client's
 * default metrics.
 *
 * Label cardinality is bounded: `server` is a configured server name, at most `maxServers` distinct
 * values (default 500) — later or unknown names become "_other" on counters and are left out of
 * gauges; `region` at most `maxRegions` (default 10), then "_other"; `channel` a configured channel
 * name or "_other"; `layer`, `phase`, `code`, `outcome`, `severity`, `state` and `rule` are closed
 * enums. Worst case per server and region: 9 duration series × 12 buckets + 2 + ≤32 failure codes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LAYERS, type ProbeResult } from '../probe/types.js';
import { INCIDENT_SEVERITIES } from '../engine/types.js';
import { BURN_WINDOWS, type MonitorView } from '../monitor/monitor-view.js';

export const OTHER = '_other';

export interface MetricsOptions {
  maxServers?: number;
  maxRegions?: number;
  /** Collect prom-client's default process metrics (default true). */
  processMetrics?: boolean;
}

export type NotificationOutcome = 'sent' | 'failed' | 'retry' | 'dropped';

export interface WebMetrics {
  readonly registry: Registry;
  /** Call once per stored probe result. */
  recordProbe(result: ProbeResult, server: string): void;
  /** Call once per delivery attempt of an outbox message. */
  recordNotification(channel: string, outcome: NotificationOutcome): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Remembers the first `max` values it sees among the allowed ones; everything else is "_other". */
class LabelCap {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  label(value: string, allowed: (v: string) => boolean = () => true): string {
    if (!allowed(value)) return OTHER;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
  has(value: string): boolean {
    return this.seen.has(value) || this.seen.size < this.max;
  }
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const sec = (ms: number | null | undefined): number | null =>
  typeof ms === 'number' && ms >= 0 ? ms / 1000 : null;

export function createWebMetrics(view: MonitorView, opts: MetricsOptions = {}): WebMetrics {
  const registry = new Registry();
  const servers = new LabelCap(opts.maxServers ?? 500);
  const regions = new LabelCap(opts.maxRegions ?? 10);
  const configured = (name: string): boolean => view.servers().some((s) => s.name === name);
  const channelNames = (): Set<string> => new Set(view.config().channels.map((c) => c.name));
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const probes = new Counter({
    name: 'mcpwatch_probes_total',
    help: 'Probes run, by outcome.',
    labelNames: ['server', 'region', 'outcome'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'mcpwatch_probe_failures_total',
    help: 'Failed probes by the layer that failed first and its error code.',
    labelNames: ['server', 'region', 'layer', 'code'] as const,
    registers: [registry],
  });
  const success = new Gauge({
    name: 'mcpwatch_probe_success',
    help: '1 when the last probe succeeded, else 0.',
    labelNames: ['server', 'region'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mcpwatch_probe_duration_seconds',
    help: 'Duration of each probe phase: transport dns/connect/tls/total, http ttfb/total, initialize, tools_list, whole probe.',
    labelNames: ['server', 'region', 'layer', 'phase'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'mcpwatch_notifications_total',
    help: 'Notification delivery attempts by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'mcpwatch_incidents_open',
    help: 'Open incidents by severity.',
    labelNames: ['severity'] as const,
    registers: [registry],
    async collect() {
      const open = await view.store.listIncidents({ open: true, limit: 100_000 });
      for (const sev of INCIDENT_SEVERITIES)
        this.set({ severity: sev }, open.filter((i) => i.severity === sev).length);
    },
  });
  new Gauge({
    name: 'mcpwatch_warnings_active',
    help: 'Active (not cleared) warnings by rule.',
    labelNames: ['rule'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const w of await view.store.listWarnings({ active: true, limit: 100_000 }))
        counts.set(w.rule, (counts.get(w.rule) ?? 0) + 1);
      for (const [rule, n] of counts) this.set({ rule }, n);
    },
  });

  const perServer = async (
    gauge: Gauge<string>,
    each: (
      set: (labels: Record<string, string>, value: number) => void,
      s: Awaited<ReturnType<MonitorView['summaries']>>[number],
    ) => void,
  ): Promise<void> => {
    gauge.reset();
    for (const s of await view.summaries()) {
      if (!servers.has(s.server)) continue;
      const server = servers.label(s.server);
      each((labels, value) => gauge.set({ server, ...labels }, value), s);
    }
  };
  new Gauge({
    name: 'mcpwatch_server_state',
    help: '1 for the current state of each server (up, degraded, down, unknown, maintenance).',
    labelNames: ['server', 'state'] as const,
    registers: [registry],
    async collect() {
      await perServer(this, (set, s) => set({ state: s.state }, 1));
    },
  });
  new Gauge({
    name: 'mcpwatch_slo_budget_remaining_ratio',
    help: 'Error budget left over the SLO window (1 untouched, 0 exhausted, negative overspent).',
    labelNames: ['server'] as const,
    registers: [registry],
    async collect() {
      await perServer(this, (set, s) => set({}, s.slo.remainingBudget));
    },
  });
  new Gauge({
    name: 'mcpwatch_slo_burn_rate',
    help: 'Error-budget burn rate per window (1 = spending exactly the budget).',
    labelNames: ['server', 'window'] as const,
    registers: [registry],
    async collect() {
      await perServer(this, (set, s) => {
        for (const w of BURN_WINDOWS) {
          const v = s.slo.burnRates[w];
          if (v !== null && Number.isFinite(v)) set({ window: w }, v);
        }
      });
    },
  });
  new Gauge({
    name: 'mcpwatch_tls_days_remaining',
    help: 'Days until the TLS certificate expires.',
    labelNames: ['server'] as const,
    registers: [registry],
    async collect() {
      await perServer(this, (set, s) => {
        if (s.tlsDaysRemaining !== null) set({}, s.tlsDaysRemaining);
      });
    },
  });
  new Gauge({
    name: 'mcpwatch_channel_pending_messages',
    help: 'Messages waiting in the outbox per alert channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const known = channelNames();
      for (const c of view.channelHealth()) if (known.has(c.name)) this.set({ channel: c.name }, c.pending);
    },
  });

  return {
    registry,
    recordProbe(result, server) {
      const s = servers.label(server, configured);
      const r = regions.label(result.region ?? 'local');
      probes.inc({ server: s, region: r, outcome: result.ok ? 'ok' : 'failed' });
      success.set({ server: s, region: r }, result.ok ? 1 : 0);
      if (result.failure)
        failures.inc({ server: s, region: r, layer: result.failure.layer, code: result.failure.code });
      const observe = (layer: string, phase: string, value: number | null): void => {
        if (value !== null) duration.observe({ server: s, region: r, layer, phase }, value);
      };
      const t = result.layers.transport;
      observe('transport', 'dns', sec(t.dnsMs));
      observe('transport', 'connect', sec(t.connectMs));
      observe('transport', 'tls', sec(t.tlsMs));
      observe('http', 'ttfb', sec(result.layers.http.ttfbMs));
      for (const layer of LAYERS) {
        const l = result.layers[layer];
        if (l && l.status !== 'skipped') observe(layer, 'total', sec(l.durationMs));
      }
      observe('probe', 'total', sec(result.durationMs));
    },
    recordNotification(channel, outcome) {
      notifications.inc({ channel: channelNames().has(channel) ? channel : OTHER, outcome });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
