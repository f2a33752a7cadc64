/**
 * The loaded config, with defaults applied and durations in ms. The YAML keys are documented in
 * docs/config.md and schema/mcpwatch.schema.json; this is what the rest of the program sees.
 */
import type { EraPin, ToolCallExpect } from '../probe/types.js';
import type { MaintenanceWindow, ServerRules, Severity } from '../engine/types.js';
import type { WeeklyTime } from '../util/weekly-time.js';
import type { RawProbeSettings, RawServer } from './raw.js';

/** Per-tool thresholds of real traffic (`servers[].telemetry.tools.NAME`). */
export interface ToolThresholds {
  /** P2 when the tool's error rate over `window` reaches this (0..1). */
  errorRate: number;
  /** ...with at least this many calls in the window. */
  minCalls: number;
  /** False: the tool's calls are counted and shown, never alerted on. */
  alert: boolean;
}

/** `servers[].telemetry`: how OpenTelemetry tool calls map to the server and are judged. */
export interface ServerTelemetry {
  /** Resource `service.name` of the server's spans and metrics (default: the server's name). */
  serviceName: string;
  /** Window of the tool rules (default 5m). */
  windowMs: number;
  /** Defaults of every tool (20%, 20 calls). */
  errorRate: number;
  minCalls: number;
  /** False: no tool of the server is alerted on (tools may say otherwise). */
  alert: boolean;
  /** P1 when every call of the server failed over the window, with at least this many calls (default 10). */
  allFailingMinCalls: number;
  tools: Record<string, ToolThresholds>;
}

/** `servers[].calls[]`: one opt-in tool call of the tool_call layer. */
export interface ToolCallConfig {
  tool: string;
  arguments: Record<string, unknown>;
  /** Every Nth probe, or at most once per `ms`. */
  every: { probes: number } | { ms: number };
  expect: ToolCallExpect | null;
  allowWrite: boolean;
}

export interface ServerConfig {
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  era: EraPin;
  followRedirects: boolean;
  /** Path of a PEM file of extra trusted CAs, resolved against the config file's directory. */
  ca: string | null;
  tags: string[];
  regions: string[];
  expectTools: string[];
  /** Opt-in tool calls (the tool_call layer); optional for configs built in code. */
  calls?: ToolCallConfig[];
  paused: boolean;
  rules: ServerRules;
  /** Per-server alert routing override (severity -> channel names). */
  routes: Partial<Record<Severity, string[]>> | null;
  /** Always set by the config loader; optional for configs built in code (defaults then apply). */
  telemetry?: ServerTelemetry;
  /** The entry as written (after ${ENV} substitution), for changes that merge into it (API PATCH). */
  entry?: RawServer;
}

export interface ChannelConfig {
  name: string;
  type: string;
  /** Deadline of one delivery attempt (`timeout`, default 10s). */
  timeoutMs: number;
  /** The channel's own settings (url, routingKey, secret, …) as written, after ${ENV} substitution. */
  settings: Record<string, unknown>;
}

export interface StatusPageConfig {
  slug: string;
  title: string;
  servers: string[];
  /** A registry source whose servers the page lists too (grouped, searchable), or null. */
  source?: string | null;
  logoUrl: string | null;
  description: string | null;
}

/** `sources[]`: an MCP Registry listing that `serve` keeps the server list in step with. */
export interface SourceConfig {
  name: string;
  registry: string;
  search: string | null;
  everyMs: number;
}

export interface Config {
  /** The file it came from (for messages), or null when built in code. */
  file: string | null;
  server: {
    port: number;
    host: string;
    publicUrl: string;
    public: boolean;
    /** Serve /metrics without a token; false requires a `read` token. */
    publicMetrics: boolean;
    /** Absolute directory of the CA files the API may name (`server.apiCaDirectory`); null: the API refuses `ca`. */
    apiCaDirectory: string | null;
    /** Trust X-Forwarded-For: from any peer (true) or from these proxy addresses/CIDRs. */
    trustProxy: boolean | string[];
    /** The region serve's own probes count for (`server.region`, default 'local'). */
    region?: string;
  };
  storage: { sqlite: string } | { postgres: string };
  retention: {
    rawMs: number;
    rollupsMs: number;
    /** Minute rollups only (absent: rollupsMs, like hour and day). */
    minuteRollupsMs?: number;
  };
  scheduler: {
    concurrency: number;
    /** Worker threads that run the probes (0: in the main thread); unset: every core but one, at least 2. */
    probeWorkers?: number;
  };
  /**
   * Several `serve` instances on one PostgreSQL (ignored on SQLite): how often each beats, how long
   * its leases last without a beat, and how long it holds the outbox messages it claimed.
   */
  cluster: { heartbeatMs: number; leaseTtlMs: number; outboxClaimMs: number };
  servers: ServerConfig[];
  channels: ChannelConfig[];
  routes: Record<Severity, string[]>;
  escalation: { P1: { afterMs: number; to: string[] }; P2: { afterMs: number; to: string[] } };
  /**
   * When P3 findings are sent as a digest. `schedule` is what the YAML says ("mon 09:00") read in
   * `timezone`; `cron` is the same as a 5-field cron expression. util/weekly-time.ts has nextWeeklyTime().
   */
  digest: { cron: string; channels: string[]; schedule: WeeklyTime; timezone: string };
  maintenance: MaintenanceWindow[];
  statusPages: StatusPageConfig[];
  /** Registry sources (optional for configs built in code: none). */
  sources?: SourceConfig[];
  /** OTLP ingest (`telemetry`): body cap (after decompression) and tools kept per server. */
  telemetry?: { maxBodyBytes: number; maxToolsPerServer: number };
  /** Regional probe agents (`agents`, docs/agents.md); optional for configs built in code. */
  agents?: { pollMs: number; pushMs: number; offlineAfterMs: number };
  /** The `defaults` section as written: servers added at runtime inherit it (see parseServerEntry). */
  serverDefaults?: RawProbeSettings;
}
