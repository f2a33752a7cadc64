/**
 * Probes in worker threads, so that the prober's CPU (TLS, HTTP parsing, JSON) is spread over the
 * machine's cores while scheduling, judgement and storage stay on the main thread. `pool.probe` is a
 * drop-in for probeDetailed: the monitor's scheduler still decides when, and measures lateness where
 * the slot is due; each probe goes to the least busy worker with the server's own options (headers,
 * CA text, timeouts, era, address guard), and outcomes come back in batches as plain objects.
 *
 * A worker that dies (an uncaught error, out of memory, killed) is replaced at once; the probes it had
 * in flight resolve as classified failures (`http/malformed_http`, "the probe failed unexpectedly: …",
 * as the in-thread prober reports a bug of its own), never lost and never hanging.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PROBE_DEFAULTS, type FullProbeOptions } from '../probe/probe.js';
import type { ProbeOutcome, ProbeResult } from '../probe/types.js';
import type {
  FromWorker,
  ProbeRequest,
  ToWorker,
  WorkerHeap,
  WorkerProbeOptions,
} from '../probe/worker-protocol.js';
import type { Logger } from '../util/logger.js';

export interface ProbePoolOptions {
  /** Worker threads (>= 1). */
  workers: number;
  log?: Logger;
  /**
   * How long past a probe's own deadline the pool waits for its outcome (default 10 s). Then the
   * worker is asked whether it is alive: one that does not answer within as long again is stuck and
   * is replaced (its probes fail); otherwise only that probe is given up.
   */
  graceMs?: number;
  /** The worker's module (default probe/worker.ts); tests use one that can be made to crash. */
  entry?: URL;
  /** Each worker's young generation at most, in MiB (default WORKER_HEAP; 0: V8's own). */
  youngGenerationMb?: number;
  /** Each worker's old generation at most, in MiB (default WORKER_HEAP; 0: V8's own). */
  oldGenerationMb?: number;
}

/**
 * A probe worker's heap, sized to what it holds: the probes in flight (~22 MB alive at 250 of them)
 * and nothing between probes. With V8's own sizes, set for the whole process, a worker let ~105 MB of
 * garbage gather between full collections: V8 grows an old generation by up to 4× what is alive
 * after each one when its limit is large (>= 2 GiB), and by ~1.4× when it is 512 MiB; and its probes'
 * sockets and buffers outlive a scavenge of a large young generation as surely as of a small one.
 * A worker that does outgrow the limit dies and is replaced, its probes failing as classified (above).
 * `node --import tsx bench/serve.ts` at 50,000 (docs/benchmarks.md): two workers 148–188 MiB with
 * V8's own sizes, 124–135 MiB with a 256 MiB old generation, 86–96 MiB with these, for 1.11 cores
 * instead of 1.08 (the young generation's cap).
 */
export const WORKER_HEAP = { youngGenerationMb: 8, oldGenerationMb: 512 } as const;

/** The default pool size: every core but the main thread's, and at least two workers. */
export function defaultProbeWorkers(): number {
  return Math.max(2, availableParallelism() - 1);
}

/**
 * How many probe workers to run: MCPWATCH_PROBE_WORKERS when set, else `scheduler.probeWorkers`,
 * else the default. 0 means probing in the main thread.
 */
export function probeWorkerCount(
  configured: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const fromEnv = env.MCPWATCH_PROBE_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!(Number.isInteger(n) && n >= 0 && n <= 64))
      throw new RangeError(`MCPWATCH_PROBE_WORKERS takes a whole number from 0 to 64, not "${fromEnv}"`);
    return n;
  }
  return configured ?? defaultProbeWorkers();
}

interface Pending {
  url: string;
  region: string;
  /** Wall-clock ms when handed to the pool (a failed result's startedAt). */
  startedAt: number;
  t0: number;
  /** The probe's own deadline; the pool waits `graceMs` past it. */
  timeoutMs: number;
  /**
   * performance.now() past which the worker is asked about the probe (the sweep: `overdue`): set
   * when the worker is ready, since loading it (slow under tsx) is not the probe's time; Infinity
   * until then and once asked.
   */
  overdueAt: number;
  eraCache: FullProbeOptions['eraCache'];
  resolve(outcome: ProbeOutcome): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  requests: ProbeRequest[];
  aborts: number[];
  flushQueued: boolean;
  /** The worker has loaded: its probes' deadlines run. */
  ready: boolean;
  /** The ids of the CAs this worker has been sent. */
  cas: Set<number>;
  /** Looks for probes past their deadline and the grace, a few times per grace (not a timer each). */
  sweep: NodeJS.Timeout;
  lastHeard: number;
  exited: boolean;
  /** Waiting for the worker's next pong (memory()). */
  onPong: ((heap: WorkerHeap | null) => void)[];
}

export interface ProbePoolStats {
  workers: number;
  inFlight: number;
  /** Workers that died and were replaced. */
  restarts: number;
  /** Probes that resolved as failures because their worker died or did not answer. */
  lost: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

export class ProbePool {
  private readonly threads: Thread[] = [];
  private readonly entry: URL;
  private readonly graceMs: number;
  /** Each worker's generations (WORKER_HEAP unless told otherwise; 0 leaves V8's own). */
  private readonly resourceLimits: ResourceLimits;
  private readonly log: Logger | undefined;
  private nextId = 1;
  /** Every CA text handed in, by the id it crosses to the workers as (a config has a few). */
  private readonly caIds = new Map<string, number>();
  private closed = false;
  private restarts = 0;
  private lost = 0;

  constructor(opts: ProbePoolOptions) {
    if (!(Number.isInteger(opts.workers) && opts.workers >= 1))
      throw new RangeError(`a probe pool needs a whole number of workers >= 1, got ${opts.workers}`);
    this.entry = opts.entry ?? defaultEntry();
    this.graceMs = opts.graceMs ?? 10_000;
    this.log = opts.log;
    const young = opts.youngGenerationMb ?? WORKER_HEAP.youngGenerationMb;
    const old = opts.oldGenerationMb ?? WORKER_HEAP.oldGenerationMb;
    for (const mb of [young, old])
      if (!(Number.isInteger(mb) && mb >= 0))
        throw new RangeError(`a probe worker's generation takes a whole number of MiB >= 0, got ${mb}`);
    this.resourceLimits = {
      ...(young > 0 && { maxYoungGenerationSizeMb: young }),
      ...(old > 0 && { maxOldGenerationSizeMb: old }),
    };
    for (let i = 0; i < opts.workers; i++) this.threads.push(this.spawn(i));
  }

  /** Probes `url` in a worker; resolves like probeDetailed (never rejects for the remote side). */
  readonly probe = (url: string, opts: FullProbeOptions = {}): Promise<ProbeOutcome> => {
    if (this.closed) return Promise.reject(new Error('the probe pool is closed'));
    const request: ProbeRequest = {
      id: this.nextId++,
      url,
      opts: workerOptions(opts),
      era: opts.eraCache?.get(url),
      aborted: opts.signal?.aborted || undefined,
    };
    const thread = this.leastBusy();
    if (opts.ca !== undefined) request.opts.caId = this.sendCa(thread, opts.ca);
    return new Promise<ProbeOutcome>((resolve) => {
      const t0 = performance.now();
      const timeoutMs = opts.timeoutMs ?? PROBE_DEFAULTS.timeoutMs;
      const pending: Pending = {
        url,
        region: opts.region ?? 'local',
        startedAt: Date.now(),
        t0,
        timeoutMs,
        overdueAt: thread.ready ? t0 + timeoutMs + this.graceMs : Infinity,
        eraCache: opts.eraCache,
        resolve,
        signal: opts.signal,
        onAbort: null,
      };
      if (opts.signal && !opts.signal.aborted) {
        pending.onAbort = () => {
          thread.aborts.push(request.id);
          this.queueFlush(thread);
        };
        opts.signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      thread.pending.set(request.id, pending);
      thread.requests.push(request);
      this.queueFlush(thread);
    });
  };

  stats(): ProbePoolStats {
    let inFlight = 0;
    for (const t of this.threads) inFlight += t.pending.size;
    return { workers: this.threads.length, inFlight, restarts: this.restarts, lost: this.lost };
  }

  /** The workers' thread ids (for tests and diagnostics). */
  threadIds(): number[] {
    return this.threads.map((t) => t.worker.threadId);
  }

  /**
   * Stops the workers. Probes still in flight are given `waitMs` to finish (the monitor stops its
   * scheduler first, so normally there are none); whatever is left resolves as a failure.
   */
  async close(waitMs = 1_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.threads.map(async (t) => {
        const exited = new Promise<void>((resolve) => {
          if (t.exited) resolve();
          else t.worker.once('exit', () => resolve());
        });
        this.flush(t);
        this.post(t, { type: 'close' });
        const timer = setTimeout(() => void t.worker.terminate(), t.pending.size > 0 ? waitMs : 200);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Each live worker's own heap, as it answers (for benchmarks and diagnostics). */
  async memory(): Promise<WorkerHeap[]> {
    const answers = await Promise.all(
      this.threads
        .filter((t) => !t.exited)
        .map((t) => {
          const answer = new Promise<WorkerHeap | null>((resolve) => t.onPong.push(resolve));
          this.post(t, { type: 'ping' });
          return answer;
        }),
    );
    return answers.filter((h) => h !== null);
  }

  // ---- workers ----------------------------------------------------------------------------------

  private spawn(index: number): Thread {
    const worker = startWorker(this.entry, this.resourceLimits);
    const thread: Thread = {
      worker,
      pending: new Map(),
      requests: [],
      aborts: [],
      flushQueued: false,
      ready: false,
      cas: new Set(),
      sweep: setInterval(() => this.sweep(thread), Math.min(1_000, Math.max(10, this.graceMs / 4))),
      lastHeard: performance.now(),
      exited: false,
      onPong: [],
    };
    worker.on('message', (message: FromWorker) => {
      thread.lastHeard = performance.now();
      if (message.type === 'ready') {
        thread.ready = true;
        const now = performance.now();
        for (const p of thread.pending.values()) p.overdueAt = now + p.timeoutMs + this.graceMs;
      }
      if (message.type === 'pong') for (const f of thread.onPong.splice(0)) f(message.heap);
      if (message.type !== 'results') return;
      for (const r of message.replies) {
        const p = thread.pending.get(r.id);
        if (!p) continue;
        if (p.eraCache) {
          if (r.era) p.eraCache.set(p.url, r.era);
          else p.eraCache.delete(p.url);
        }
        this.settle(thread, r.id, r.outcome);
      }
    });
    let why = 'its probe worker stopped';
    worker.on('error', (err) => {
      why = `its probe worker crashed (${err instanceof Error ? err.message : String(err)})`.slice(0, 200);
      this.log?.error({ err, threadId: worker.threadId }, 'a probe worker crashed');
    });
    thread.sweep.unref();
    worker.on('exit', (code) => {
      thread.exited = true;
      clearInterval(thread.sweep);
      for (const f of thread.onPong.splice(0)) f(null);
      const lost = [...thread.pending.keys()];
      if (lost.length > 0 || !this.closed)
        this.log?.[this.closed ? 'warn' : 'error'](
          { code, threadId: worker.threadId, inFlight: lost.length },
          this.closed
            ? 'a probe worker stopped with probes in flight'
            : 'a probe worker stopped; replacing it',
        );
      for (const id of lost) this.fail(thread, id, `${why} (exit code ${code})`);
      if (!this.closed) {
        this.restarts++;
        this.threads[index] = this.spawn(index);
      }
    });
    return thread;
  }

  private leastBusy(): Thread {
    let best = this.threads[0]!;
    for (const t of this.threads)
      if (t.pending.size < best.pending.size || (best.exited && !t.exited)) best = t;
    return best;
  }

  /**
   * The id of `ca`, its text posted to `thread` at once if it has not had it: before the request that
   * names it, which goes out at the end of this turn (a worker hears messages in order).
   */
  private sendCa(thread: Thread, ca: string | Buffer): number {
    const pem = typeof ca === 'string' ? ca : ca.toString('utf8');
    let id = this.caIds.get(pem);
    if (id === undefined) this.caIds.set(pem, (id = this.caIds.size + 1));
    if (!thread.cas.has(id)) {
      this.post(thread, { type: 'ca', id, pem });
      thread.cas.add(id);
    }
    return id;
  }

  /** Requests and aborts go out once per turn of the event loop, as one message each. */
  private queueFlush(thread: Thread): void {
    if (thread.flushQueued) return;
    thread.flushQueued = true;
    setImmediate(() => this.flush(thread));
  }

  private flush(thread: Thread): void {
    thread.flushQueued = false;
    if (thread.requests.length > 0) {
      const requests = thread.requests;
      thread.requests = [];
      this.post(thread, { type: 'probe', requests });
    }
    if (thread.aborts.length > 0) {
      const ids = thread.aborts;
      thread.aborts = [];
      this.post(thread, { type: 'abort', ids });
    }
  }

  private post(thread: Thread, message: ToWorker): void {
    if (!thread.exited) thread.worker.postMessage(message);
  }

  /** Asks about each probe past its deadline and the grace, once. */
  private sweep(thread: Thread): void {
    const now = performance.now();
    for (const [id, p] of thread.pending)
      if (p.overdueAt <= now) {
        p.overdueAt = Infinity;
        this.overdue(thread, id);
      }
  }

  /** A probe past its deadline and the grace: replace its worker when that is stuck, else give it up. */
  private overdue(thread: Thread, id: number): void {
    if (!thread.pending.has(id) || thread.exited) return;
    const askedAt = performance.now();
    this.post(thread, { type: 'ping' });
    setTimeout(() => {
      if (thread.exited || !thread.pending.has(id)) return;
      if (thread.lastHeard < askedAt) {
        this.log?.error(
          { threadId: thread.worker.threadId, inFlight: thread.pending.size },
          'a probe worker stopped answering; replacing it',
        );
        void thread.worker.terminate();
      } else {
        thread.aborts.push(id);
        this.queueFlush(thread);
        this.fail(thread, id, 'its probe worker did not finish it within the deadline');
      }
    }, this.graceMs).unref();
  }

  private fail(thread: Thread, id: number, why: string): void {
    const p = thread.pending.get(id);
    if (!p) return;
    this.lost++;
    this.settle(thread, id, { result: failedResult(p, why) });
  }

  private settle(thread: Thread, id: number, outcome: ProbeOutcome): void {
    const p = thread.pending.get(id);
    if (!p) return;
    thread.pending.delete(id);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    p.resolve(outcome);
  }
}

function defaultEntry(): URL {
  return new URL(`../probe/worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
}

/** Starts a worker; a TypeScript entry (tests, benchmarks, `node --import tsx`) loads through tsx. */
function startWorker(entry: URL, resourceLimits: ResourceLimits): Worker {
  const limits = { resourceLimits };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, limits);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry.href)}))`,
    { eval: true, ...limits },
  );
}

/** The options that cross to the worker; what cannot (functions) is refused rather than dropped. */
function workerOptions(opts: FullProbeOptions): WorkerProbeOptions {
  const { signal: _s, eraCache: _e, now, lookup, ca: _c, ...rest } = opts;
  if (now || lookup) throw new TypeError('probe options with functions (now, lookup) cannot go to a worker');
  return rest;
}

/** The result of a probe whose worker died or did not answer: failed at the http layer, as a bug. */
function failedResult(p: Pending, why: string): ProbeResult {
  const skipped = { status: 'skipped' as const, durationMs: null };
  return {
    url: p.url,
    region: p.region,
    startedAt: new Date(p.startedAt).toISOString(),
    durationMs: round(performance.now() - p.t0),
    ok: false,
    transport: null,
    protocolVersion: null,
    failure: { layer: 'http', code: 'malformed_http', message: `the probe failed unexpectedly: ${why}` },
    layers: {
      transport: { ...skipped, dnsMs: null, connectMs: null, tlsMs: null, address: null },
      http: { status: 'failed', durationMs: null, statusCode: null, ttfbMs: null },
      initialize: skipped,
      tools_list: skipped,
    },
    tls: null,
    server: null,
    capabilities: null,
    auth: null,
    tools: null,
    warnings: [],
  };
}
