/** One server entry with `defaults` and the built-in defaults applied: its ServerConfig and ServerRules. */
import { resolve } from 'node:path';
import type { ServerRules } from '../engine/types.js';
import { parseDuration } from '../util/duration.js';
import type { ServerConfig, ServerTelemetry, ToolCallConfig, ToolThresholds } from './types.js';
import { DEFAULTS } from './defaults.js';
import type {
  RawDuration,
  RawProbeSettings,
  RawServer,
  RawServerTelemetry,
  RawThresholds,
  RawToolCall,
} from './raw.js';

export function buildServer(
  raw: RawServer,
  defaults: RawProbeSettings,
  baseDir: string | null,
): ServerConfig {
  const pick = <K extends keyof RawProbeSettings>(key: K): RawProbeSettings[K] => raw[key] ?? defaults[key];
  return {
    name: raw.name,
    url: raw.url,
    headers: mergeHeaders(defaults.headers ?? {}, raw.headers ?? {}),
    timeoutMs: duration(pick('timeout'), DEFAULTS.timeoutMs),
    era: pick('era') ?? DEFAULTS.era,
    followRedirects: pick('followRedirects') ?? DEFAULTS.followRedirects,
    ca: raw.ca === undefined ? null : baseDir === null ? raw.ca : resolve(baseDir, raw.ca),
    tags: raw.tags ?? [],
    regions: pick('regions') ?? [...DEFAULTS.regions],
    expectTools: raw.expect?.tools ?? [],
    calls: (raw.calls ?? []).map(buildCall),
    paused: raw.paused ?? false,
    rules: buildRules(raw, defaults),
    routes: raw.routes ?? null,
    telemetry: buildTelemetry(raw.name, raw.telemetry ?? {}),
    entry: structuredClone(raw),
  };
}

function buildCall(c: RawToolCall): ToolCallConfig {
  // A plain number counts probes (YAML may hand it over as a string); one with a unit is a time.
  const every = String(c.every ?? 1);
  return {
    tool: c.tool,
    arguments: c.arguments ?? {},
    every: /^\d+$/.test(every) ? { probes: Number(every) } : { ms: parseDuration(every) },
    expect: c.expect ?? null,
    allowWrite: c.allowWrite ?? false,
  };
}

function buildRules(raw: RawServer, defaults: RawProbeSettings): ServerRules {
  const slo = { ...defaults.slo, ...raw.slo };
  return {
    name: raw.name,
    intervalMs: duration(raw.interval ?? defaults.interval, DEFAULTS.intervalMs),
    confirmEveryMs: duration(raw.confirm?.every ?? defaults.confirm?.every, DEFAULTS.confirm.everyMs),
    confirmFailures: raw.confirm?.failures ?? defaults.confirm?.failures ?? DEFAULTS.confirm.failures,
    recoverSuccesses: raw.recover?.successes ?? defaults.recover?.successes ?? DEFAULTS.recover.successes,
    minTools: raw.expect?.minTools ?? null,
    auth: raw.expect?.auth ?? DEFAULTS.auth,
    slo: {
      target: slo.target ?? DEFAULTS.slo.target,
      windowMs: duration(slo.window, DEFAULTS.slo.windowMs),
      layers: slo.layers ?? [...DEFAULTS.slo.layers],
      minSamples: slo.minSamples ?? DEFAULTS.slo.minSamples,
    },
    thresholds: buildThresholds({ ...defaults.thresholds, ...raw.thresholds }),
  };
}

function buildThresholds(t: RawThresholds): ServerRules['thresholds'] {
  const d = DEFAULTS.thresholds;
  return {
    errorRate5mP1: t.errorRate5mP1 ?? d.errorRate5mP1,
    errorRate15mP2: t.errorRate15mP2 ?? d.errorRate15mP2,
    errorRateElevatedP3: t.errorRateElevatedP3 ?? d.errorRateElevatedP3,
    latencyRegressionFactor: t.latencyRegressionFactor ?? d.latencyRegressionFactor,
    latencyTrendFactor: t.latencyTrendFactor ?? d.latencyTrendFactor,
    certExpiringDays: t.certExpiringDays ?? d.certExpiringDays,
    flappingTransitions: t.flappingTransitions ?? d.flappingTransitions,
    flappingWindowMs: duration(t.flappingWindow, d.flappingWindowMs),
    softFailures: t.softFailures ?? d.softFailures,
    successRate24hLow: t.successRate24hLow ?? d.successRate24hLow,
    successRate24hHigh: t.successRate24hHigh ?? d.successRate24hHigh,
  };
}

/** `servers[].telemetry` with defaults: every tool inherits the server's thresholds. */
export function buildTelemetry(name: string, t: RawServerTelemetry): ServerTelemetry {
  const d = DEFAULTS.telemetry;
  const errorRate = t.errorRate ?? d.errorRate;
  const minCalls = t.minCalls ?? d.minCalls;
  const tools: Record<string, ToolThresholds> = {};
  for (const [tool, x] of Object.entries(t.tools ?? {}))
    tools[tool] = {
      errorRate: x.errorRate ?? errorRate,
      minCalls: x.minCalls ?? minCalls,
      alert: x.alert ?? t.alert ?? true,
    };
  return {
    serviceName: t.serviceName ?? name,
    windowMs: t.window === '1h' ? 3_600_000 : d.windowMs,
    errorRate,
    minCalls,
    alert: t.alert ?? true,
    allFailingMinCalls: t.allFailing?.minCalls ?? d.allFailingMinCalls,
    tools,
  };
}

/** Server headers win over default headers, name by name and regardless of case. */
function mergeHeaders(defaults: Record<string, string>, own: Record<string, string>): Record<string, string> {
  const ownNames = new Set(Object.keys(own).map((n) => n.toLowerCase()));
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults))
    if (!ownNames.has(name.toLowerCase())) merged[name] = value;
  return { ...merged, ...own };
}

export function duration(value: RawDuration | undefined, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value);
}
