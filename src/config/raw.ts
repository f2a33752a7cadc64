/**
 * The YAML as written (after ${ENV} substitution and schema validation), before defaults: the
 * shapes that schema/mcpwatch.schema.json admits. Durations are still text or milliseconds.
 */
import type { EraPin } from '../probe/types.js';
import type { LayerName } from '../probe/types.js';
import type { IncidentSeverity, Severity } from '../engine/types.js';

export type RawDuration = string | number;
export type RawSeverity = Severity;
export type RawRoutes = Partial<Record<RawSeverity, string[]>>;

export interface RawConfirm {
  every?: RawDuration;
  failures?: number;
}

export interface RawSlo {
  target?: number;
  window?: RawDuration;
  layers?: LayerName[];
  minSamples?: number;
}

export interface RawThresholds {
  errorRate5mP1?: number;
  errorRate15mP2?: number;
  errorRateElevatedP3?: number;
  latencyRegressionFactor?: number;
  latencyTrendFactor?: number;
  certExpiringDays?: number;
  flappingTransitions?: number;
  flappingWindow?: RawDuration;
  softFailures?: number;
  successRate24hLow?: number;
  successRate24hHigh?: number;
}

/** What `defaults` and each server share. */
export interface RawProbeSettings {
  interval?: RawDuration;
  timeout?: RawDuration;
  confirm?: RawConfirm;
  recover?: { successes?: number };
  headers?: Record<string, string>;
  slo?: RawSlo;
  thresholds?: RawThresholds;
  regions?: string[];
  era?: EraPin;
  followRedirects?: boolean;
}

export interface RawToolThresholds {
  errorRate?: number;
  minCalls?: number;
  alert?: boolean;
}

export interface RawServerTelemetry extends RawToolThresholds {
  serviceName?: string;
  window?: '5m' | '1h';
  allFailing?: { minCalls?: number };
  tools?: Record<string, RawToolThresholds>;
}

export interface RawToolCall {
  tool: string;
  arguments?: Record<string, unknown>;
  /** A number of probes, or a duration with a unit. */
  every?: number | string;
  expect?: { textContains?: string; structured?: Record<string, unknown> };
  allowWrite?: boolean;
}

export interface RawServer extends RawProbeSettings {
  name: string;
  url: string;
  expect?: { minTools?: number; tools?: string[]; auth?: 'none' | 'required' };
  calls?: RawToolCall[];
  tags?: string[];
  ca?: string;
  paused?: boolean;
  routes?: RawRoutes;
  telemetry?: RawServerTelemetry;
}

export interface RawChannel {
  name: string;
  type: string;
  timeout?: RawDuration;
  [setting: string]: unknown;
}

export interface RawMaintenance {
  id?: string;
  servers: 'all' | string[];
  start: string;
  end: string;
  title?: string;
  excludeFromSlo?: boolean;
}

export interface RawStatusPage {
  slug: string;
  title: string;
  servers?: string[];
  source?: string;
  logo?: string;
  description?: string;
}

export interface RawSource {
  name?: string;
  registry: string;
  search?: string;
  every?: RawDuration;
}

export interface RawConfig {
  server?: {
    port?: number;
    host?: string;
    publicUrl?: string;
    public?: boolean;
    publicMetrics?: boolean;
    apiCaDirectory?: string;
    trustProxy?: boolean | string[];
    region?: string;
  };
  storage?: { sqlite?: string; postgres?: string };
  retention?: { raw?: RawDuration; rollups?: RawDuration; minuteRollups?: RawDuration };
  scheduler?: { concurrency?: number; probeWorkers?: number };
  cluster?: { heartbeat?: RawDuration; leaseTtl?: RawDuration; outboxClaim?: RawDuration };
  defaults?: RawProbeSettings;
  servers?: RawServer[];
  channels?: RawChannel[];
  routes?: RawRoutes;
  escalation?: Partial<Record<IncidentSeverity, { after?: RawDuration; to?: string[] }>>;
  digest?: { schedule?: string; timezone?: string; channels?: string[] };
  maintenance?: RawMaintenance[];
  statusPages?: RawStatusPage[];
  sources?: RawSource[];
  telemetry?: { maxBodyBytes?: number; maxToolsPerServer?: number };
  agents?: { pollEvery?: RawDuration; pushEvery?: RawDuration; offlineAfter?: RawDuration };
}
