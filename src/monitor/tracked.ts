/**
 * What the monitor keeps per server besides its config: engine state, the facts of its last probe and
 * the fingerprint of its tool surface (results and definitions are in the store).
 */
import type { ServerConfig } from '../config/types.js';
import { createState, type EngineState } from '../engine/index.js';
import type { ScheduledServer } from '../scheduler/index.js';
import type { RegionalJudging } from './regional.js';
import type { LastProbe } from './last-probe.js';
import type { Restored } from './restore.js';

export interface Tracked {
  cfg: ServerConfig;
  state: EngineState;
  /** What the summary shows of the last probe (the whole result is in the store). */
  lastProbe: LastProbe | null;
  /** Fingerprint of the tool surface last stored (its definitions are in the store). */
  surfaceFingerprint: string | null;
  /** When the engine state was last written to the store. */
  savedAt: number;
  /**
   * When time-driven rules were last judged; at first, when tracking began, so that a server new here
   * (a start, an addition, an adoption) is first judged in its own minute (housekeeping.ts).
   */
  tickedAt: number;
}

/** A server's entry as restoreStates brought it back (without `restored`, never judged), tracked from `now`. */
export function trackedFrom(cfg: ServerConfig, now: number, restored?: Restored): Tracked {
  return {
    cfg,
    state: restored?.state ?? createState(cfg.rules),
    lastProbe: restored?.lastProbe ?? null,
    surfaceFingerprint: restored?.surfaceFingerprint ?? null,
    savedAt: restored?.savedAt ?? 0,
    tickedAt: now,
  };
}

export interface Scheduled extends ScheduledServer {
  url: string;
}

/**
 * The server as the hub's scheduler sees it. With `regional`, the hub probes it only when its regions
 * include the hub's own (as that region), and a server probed from several regions keeps the slot
 * offset its agents are given.
 */
export function scheduled(cfg: ServerConfig, regional?: RegionalJudging): Scheduled {
  const offsetMs = regional?.offsetOf(cfg) ?? null;
  return {
    name: cfg.name,
    url: cfg.url,
    intervalMs: cfg.rules.intervalMs,
    confirmEveryMs: cfg.rules.confirmEveryMs,
    confirmFailures: cfg.rules.confirmFailures,
    timeoutMs: cfg.timeoutMs,
    paused: cfg.paused || (regional !== undefined && !regional.probesLocally(cfg)),
    region: regional ? regional.hubRegion : (cfg.regions[0] ?? 'local'),
    ...(offsetMs !== null ? { offsetMs } : {}),
  };
}
