/**
 * Where the MCP face reads from. `serve` answers from the running monitor (MonitorView: the engine's
 * live judgement); `mcpwatch mcp` answers from the store a running `serve` writes, like `mcpwatch
 * status` does. Both read incidents and the last probe results from the store.
 */
import { statusEntry, type StatusEntry } from '../engine/status-entry.js';
import { statusEntries } from '../monitor/saved-status.js';
import type { Config, ServerConfig } from '../config/types.js';
import type { Incident } from '../engine/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { Store } from '../store/store.js';
import type { MonitorView, MonitorSummary } from '../monitor/monitor-view.js';

export interface McpSource {
  config(): Config;
  servers(): ServerConfig[];
  now(): number;
  /** The `status --json` entry of every server, in config order. */
  statuses(): Promise<StatusEntry[]>;
  incidents(q: { open?: boolean; server?: string; limit: number }): Promise<Incident[]>;
  /** The newest stored probe result of a server, or null. */
  lastResult(server: string): Promise<{ at: number; result: ProbeResult } | null>;
}

/** The `status --json` entry of a live summary (same fields as statusEntries()). */
export function statusOfSummary(s: MonitorSummary): StatusEntry {
  return statusEntry({ ...s, lastProbeAt: s.lastProbe?.at ?? null });
}

async function lastResultOf(store: Store, server: string) {
  const [row] = await store.listResults({ server, limit: 1 });
  return row ? { at: row.at, result: row.result } : null;
}

/** The running monitor (serve). */
export function viewSource(view: MonitorView): McpSource {
  return {
    config: () => view.config(),
    servers: () => view.servers(),
    now: () => view.now(),
    statuses: async () => (await view.summaries()).map(statusOfSummary),
    incidents: (q) => view.store.listIncidents(q),
    lastResult: (server) => lastResultOf(view.store, server),
  };
}

/** The store of a running serve, read as `mcpwatch status` reads it (mcpwatch mcp). */
export function storeSource(config: Config, store: Store, now: () => number = Date.now): McpSource {
  return {
    config: () => config,
    servers: () => config.servers,
    now,
    statuses: () => statusEntries(config, store, now()),
    incidents: (q) => store.listIncidents(q),
    lastResult: (server) => lastResultOf(store, server),
  };
}
