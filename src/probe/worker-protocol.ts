/**
 * What the probe pool (monitor/probe-pool.ts) and its workers (probe/worker.ts) say to each other.
 * Everything here is plain data: it crosses the thread boundary by structured clone.
 */
import type { EraPin, ProbeOptions, ProbeOutcome } from './types.js';

/**
 * The probe options that can cross to a worker (no functions, signals or shared maps). A CA goes by
 * number: its text crosses once per worker (`ca` message), not with every probe of every server that
 * trusts it.
 */
export type WorkerProbeOptions = Omit<ProbeOptions, 'signal' | 'eraCache' | 'now' | 'ca'> & {
  caId?: number;
  stepTimeoutMs?: number;
};

export interface ProbeRequest {
  id: number;
  url: string;
  opts: WorkerProbeOptions;
  /** The era the monitor has cached for this URL (undefined: none, detect). */
  era?: EraPin;
  /** The caller had already cancelled it when it was sent. */
  aborted?: boolean;
}

export interface ProbeReply {
  id: number;
  outcome: ProbeOutcome;
  /** The era cached for the URL after the probe; null when the probe dropped it. */
  era: EraPin | null;
}

export interface WorkerHeap {
  /** Bytes used and committed by the worker's V8 heap, and held by its ArrayBuffers and the like. */
  used: number;
  total: number;
  external: number;
  /** The most its heap may grow to (V8's heap_size_limit: the generations' limits together). */
  limit: number;
}

/** Main thread to worker. */
export type ToWorker =
  | { type: 'probe'; requests: ProbeRequest[] }
  /** A CA's text, sent before the first request that names its id. */
  | { type: 'ca'; id: number; pem: string }
  | { type: 'abort'; ids: number[] }
  /** Are you alive? (asked about a worker whose probe is overdue) */
  | { type: 'ping' }
  | { type: 'close' };

/** Worker to main thread. */
export type FromWorker =
  | { type: 'results'; replies: ProbeReply[] }
  /** With the worker's own heap (its isolate's, not the process's): the pool's `memory()`. */
  | { type: 'pong'; heap: WorkerHeap }
  /** Sent once, when the worker has loaded and listens. */
  | { type: 'ready' };
