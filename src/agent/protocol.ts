/**
 * What a regional agent and the hub (`serve`) say to each other over /api/v1/agent/*: the agent asks
 * for its assignments (GET, with If-None-Match) and pushes results in batches (POST), always
 * outbound from the agent, with a token of scope `agent`. Plain data, shared by both sides.
 */
import type { ServerRules } from '../engine/types.js';
import type { EraPin, ProbeResult } from '../probe/types.js';

export const AGENT_PATHS = {
  assignments: '/api/v1/agent/assignments',
  results: '/api/v1/agent/results',
} as const;

/** Most results in one push; the agent also keeps a batch under MAX_PUSH_BYTES. */
export const MAX_PUSH_RESULTS = 500;
/** Below the API's body limit (256 KiB). */
export const MAX_PUSH_BYTES = 192 * 1024;

/** A region name: what `regions` in the config accepts. */
export const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

/** One server an agent probes, with everything it needs to probe and judge a probe good or failed. */
export interface Assignment {
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  intervalMs: number;
  confirmEveryMs: number;
  confirmFailures: number;
  /**
   * Where the server's slots sit within its interval (slot n at offsetMs + n·intervalMs): the same
   * for the hub and every agent, so the regions probe a slot together and the hub can judge it as one
   * round.
   */
  offsetMs: number;
  era: EraPin;
  followRedirects: boolean;
  /** PEM text of the server's extra CAs (the hub reads its `ca` file), or null. */
  ca: string | null;
  blockPrivateAddresses: boolean;
  paused: boolean;
  /** The engine's rules of the server: what makes one probe good or failed (minTools, auth). */
  rules: ServerRules;
}

export interface Assignments {
  region: string;
  /** The hub's own region (its probes carry it). */
  hubRegion: string;
  /** How often to fetch assignments again, and to push results. */
  pollMs: number;
  pushMs: number;
  servers: Assignment[];
}

/** One result as the agent spools and pushes it. */
export interface PushedResult {
  /** Increasing per agent (per spool): the hub ignores what it has already taken. */
  seq: number;
  server: string;
  /** When the probe started (ms since epoch): the slot it belongs to. */
  at: number;
  result: ProbeResult;
}

export interface PushBody {
  region: string;
  /** Names one agent's spool: a new one restarts the sequence. */
  agentId: string;
  results: PushedResult[];
  /** Results the agent dropped from its full spool since its last accepted push (oldest first). */
  dropped?: number;
}

export interface PushAnswer {
  accepted: number;
  /** Already taken (a retried batch). */
  duplicates: number;
  /** For servers not assigned to the region (any more): dropped. */
  unassigned: number;
  /** Not a probe result the hub can judge (logged): dropped. */
  invalid: number;
  /** The highest sequence number the hub holds for this agent. */
  lastSeq: number;
}

/** The hub side of the agent routes (src/monitor/agent-hub.ts). */
export interface AgentHubFace {
  /** The assignments of a region and their ETag; throws AgentRouteError for a region it refuses. */
  assignments(region: string, agentId: string | null): { body: Assignments; etag: string };
  push(body: PushBody): Promise<PushAnswer>;
  /** Every region agents serve, with when the hub last heard from it. */
  agents(): AgentStatus[];
  /** The hub's own region. */
  readonly hubRegion: string;
}

export interface AgentStatus {
  region: string;
  agentId: string | null;
  lastSeenAt: number | null;
  online: boolean;
  /** Results taken from it, and dropped by its full spool (as it reported). */
  received: number;
  dropped: number;
  /** Servers assigned to the region. */
  servers: string[];
}

export class AgentRouteError extends Error {
  override name = 'AgentRouteError';
}
