/**
 * The one persistence interface. SQLite (embedded default) and PostgreSQL implement it and pass the
 * same contract suite (test/store/contract.ts). Every method is async so that either fits.
 */
import type { Incident, Warning } from '../engine/types.js';
import type { Histogram } from '../util/histogram.js';
import type { LayerName, ProbeResult, ToolDefinition } from '../probe/types.js';

/** One probe result as the monitor keeps it. */
export interface StoredResult {
  id?: number;
  server: string;
  region: string;
  /** ms since epoch: when the probe started. */
  at: number;
  ok: boolean;
  result: ProbeResult;
}

export type Granularity = 'minute' | 'hour' | 'day';

/** The `region` of a rollup that merges every region of its bucket (`rollups()` without a region). */
export const ALL_REGIONS = '*';

/** Aggregate of the probes of one server+region in one time bucket. */
export interface Rollup {
  server: string;
  region: string;
  granularity: Granularity;
  /** Bucket start, ms since epoch (UTC). */
  bucket: number;
  total: number;
  /** Probes that failed, in total and by the layer that failed first. */
  failed: number;
  failedByLayer: Record<LayerName, number>;
  /** Latency of the whole probe (ok probes). */
  latency: Histogram;
  /** Per-layer latency of the layers that ran ok. */
  layerLatency: Record<LayerName, Histogram>;
}

export interface ToolSurface {
  id: number;
  server: string;
  fingerprint: string;
  serverVersion: string | null;
  firstSeenAt: number;
  tools: ToolDefinition[];
}

export interface ResultQuery {
  server?: string;
  region?: string;
  since?: number;
  until?: number;
  onlyFailed?: boolean;
  /** Newest first; return rows with id < before (paging). */
  before?: number;
  limit?: number;
}

/** One UTC day of a server's probes (all regions unless one is asked for), from the day rollups. */
export interface DailyBar {
  /** UTC midnight, ms since epoch. */
  day: number;
  total: number;
  failed: number;
  failedByLayer: Record<LayerName, number>;
}

/** Latency quantiles read from hour rollups; `values[i]` answers `qs[i]` (null when no samples). */
export interface LatencyQuantiles {
  samples: number;
  values: (number | null)[];
}

export interface IncidentQuery {
  server?: string;
  open?: boolean;
  limit?: number;
}

/** A message waiting to be delivered by alerts/ (written in the same transaction as the change). */
export interface OutboxMessage {
  id?: number;
  /** Idempotency key: a restart never sends the same key twice. */
  key: string;
  channel: string;
  incidentId: string | null;
  payload: unknown;
  createdAt: number;
  notBefore: number;
  attempts: number;
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  lastError: string | null;
}

/** Everything one evaluation tick changed, committed atomically. */
export interface JudgementWrite {
  incidents?: Incident[];
  warnings?: Warning[];
  outbox?: OutboxMessage[];
  /** Opaque serialised engine state per server. */
  engineState?: { server: string; state: string; at: number }[];
}

/** Whether a store can be used now (see Store.health). */
export interface StoreHealth {
  ok: boolean;
  /** Why not, in words an operator can act on; null when ok. */
  reason: string | null;
  /**
   * Not ok, but nothing is lost yet: the database is away and writes wait in memory (see
   * store/buffered-store.ts). /healthz answers 200 "degraded" rather than 503, so that a liveness
   * check does not restart the process and lose them.
   */
  degraded?: boolean;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * A real check that the store works (for /healthz and the dashboard): for SQLite, that the file is
   * still the one opened and that a small write commits. Optional: a backend without it is judged by
   * whether it answers reads.
   */
  health?(): Promise<StoreHealth>;

  /** Raw results and their minute/hour/day rollups, in one transaction. */
  writeResults(rows: StoredResult[]): Promise<void>;
  listResults(q: ResultQuery): Promise<StoredResult[]>;
  /**
   * Buckets that overlap [since, until) (start >= since floored to the granularity, start < until),
   * oldest first. With `region`: that region's rows. Without: one row per bucket merging every region,
   * whose `region` is ALL_REGIONS ('*').
   */
  rollups(
    server: string,
    granularity: Granularity,
    since: number,
    until: number,
    region?: string,
  ): Promise<Rollup[]>;
  /** Same window as rollups(), one row per bucket and region (ordered by bucket, then region). */
  rollupsByRegion(server: string, granularity: Granularity, since: number, until: number): Promise<Rollup[]>;
  /**
   * `days` bars, oldest first, ending with the UTC day that holds `now`; days without probes have
   * total 0. Read from day rollups.
   */
  dailyAvailability(server: string, days: number, now: number, region?: string): Promise<DailyBar[]>;
  /**
   * Quantiles (0..1) of the whole-probe latency of ok probes, or of one layer's latency, over the hour
   * buckets overlapping [since, until). Never reads raw rows.
   */
  latencyQuantiles(
    server: string,
    since: number,
    until: number,
    qs: number[],
    opts?: { layer?: LayerName; region?: string },
  ): Promise<LatencyQuantiles>;
  /**
   * Deletes raw results with at < rawBefore, and rollups whose whole bucket ends at or before
   * rollupsBefore (minute rollups: minuteRollupsBefore when given, else rollupsBefore).
   */
  prune(
    rawBefore: number,
    rollupsBefore: number,
    minuteRollupsBefore?: number,
  ): Promise<{ raw: number; rollups: number }>;

  /** Stores the surface only when its fingerprint differs from the latest one; returns it either way. */
  saveToolSurface(
    server: string,
    fingerprint: string,
    serverVersion: string | null,
    tools: ToolDefinition[],
    at: number,
  ): Promise<{ surface: ToolSurface; changed: boolean }>;
  listToolSurfaces(server: string, limit?: number): Promise<Omit<ToolSurface, 'tools'>[]>;
  getToolSurface(id: number): Promise<ToolSurface | null>;

  writeJudgement(w: JudgementWrite): Promise<void>;
  getIncident(id: string): Promise<Incident | null>;
  listIncidents(q: IncidentQuery): Promise<Incident[]>;
  listWarnings(q: { server?: string; active?: boolean; limit?: number }): Promise<Warning[]>;
  loadEngineStates(): Promise<{ server: string; state: string; at: number }[]>;

  /** Outbox: pending messages with notBefore <= now, oldest first (by notBefore, then id). */
  dueOutbox(now: number, limit: number): Promise<OutboxMessage[]>;
  /** Which of these idempotency keys are already in the outbox (whatever their status). */
  existingOutboxKeys(keys: readonly string[]): Promise<Set<string>>;
  updateOutbox(
    id: number,
    patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>,
  ): Promise<void>;

  /** Small key-value settings (API tokens, settings): null when absent; setting null deletes. */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string | null): Promise<void>;
  /** Every meta entry whose key starts with `prefix`, by key. */
  listMeta(prefix: string): Promise<{ key: string; value: string }[]>;
}
