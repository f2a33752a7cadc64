/**
 * The loaded config, with defaults applied and durations in ms. The YAML keys are documented in
 * docs/config.md and schema/mcpwatch.schema.json; this is what the rest of the program sees.
 */
import type { EraPin } from '../probe/types.js';
import type { MaintenanceWindow, ServerRules } from '../engine/types.js';

export interface ServerConfig {
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  era: EraPin;
  followRedirects: boolean;
  ca: string | null;
  tags: string[];
  regions: string[];
  expectTools: string[];
  paused: boolean;
  rules: ServerRules;
  /** Per-server alert routing override (severity -> channel names). */
  routes: Partial<Record<'P1' | 'P2' | 'P3', string[]>> | null;
}

export interface ChannelConfig {
  name: string;
  type: string;
  /** The channel's own settings (url, routingKey, secret, …) as written, after ${ENV} substitution. */
  settings: Record<string, unknown>;
}

export interface StatusPageConfig {
  slug: string;
  title: string;
  servers: string[];
  logoUrl: string | null;
  description: string | null;
}

export interface Config {
  /** The file it came from (for messages), or null when built in code. */
  file: string | null;
  server: { port: number; host: string; publicUrl: string; public: boolean };
  storage: { sqlite: string } | { postgres: string };
  retention: { rawMs: number; rollupsMs: number };
  scheduler: { concurrency: number };
  servers: ServerConfig[];
  channels: ChannelConfig[];
  routes: Record<'P1' | 'P2' | 'P3', string[]>;
  escalation: { P1: { afterMs: number; to: string[] }; P2: { afterMs: number; to: string[] } };
  digest: { cron: string; channels: string[] };
  maintenance: MaintenanceWindow[];
  statusPages: StatusPageConfig[];
}
