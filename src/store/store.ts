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

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Raw results and their minute/hour/day rollups, in one transaction. */
  writeResults(rows: StoredResult[]): Promise<void>;
  listResults(q: ResultQuery): Promise<StoredResult[]>;
  rollups(server: string, granularity: Granularity, since: number, until: number, region?: string): Promise<Rollup[]>;
  /** Deletes raw results older than rawBefore and rollups older than rollupsBefore. */
  prune(rawBefore: number, rollupsBefore: number): Promise<{ raw: number; rollups: number }>;

  /** Stores the surface only when its fingerprint differs from the latest one; returns it either way. */
  saveToolSurface(server: string, fingerprint: string, serverVersion: string | null, tools: ToolDefinition[], at: number): Promise<{ surface: ToolSurface; changed: boolean }>;
  listToolSurfaces(server: string, limit?: number): Promise<Omit<ToolSurface, 'tools'>[]>;
  getToolSurface(id: number): Promise<ToolSurface | null>;

  writeJudgement(w: JudgementWrite): Promise<void>;
  getIncident(id: string): Promise<Incident | null>;
  listIncidents(q: IncidentQuery): Promise<Incident[]>;
  listWarnings(q: { server?: string; active?: boolean; limit?: number }): Promise<Warning[]>;
  loadEngineStates(): Promise<{ server: string; state: string; at: number }[]>;

  /** Outbox: due pending messages, oldest first. */
  dueOutbox(now: number, limit: number): Promise<OutboxMessage[]>;
  updateOutbox(id: number, patch: Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>): Promise<void>;
}
