/**
 * When to probe what. Each server is probed at its slots (offset + n·interval, see offset.ts), so the
 * schedule never drifts by the probes' durations; offsets spread servers evenly (spread.ts). After a
 * failure it re-probes every confirmEveryMs until confirmFailures consecutive failures or a success.
 * At most `concurrency` probes run at once; due probes wait in a queue and their lateness is
 * measured. A server whose probe is still running (or queued) when its next slot comes skips that
 * slot, and the skip is counted. Nothing one probe does (throw, hang) stops the others.
 */
import { DueHeap } from './due-heap.js';
import { Fifo } from './fifo.js';
import { LatenessRing } from './lateness.js';
import { firstSlotAtOrAfter, slotTime } from './offset.js';
import { newEntry, rejectWaiters, validate, type Entry, type Pending, type Run } from './entry.js';
import { SpreadPlanner } from './spread.js';
import type {
  ProbeSlot,
  ProbeVerdict,
  ScheduledServer,
  SchedulerDeps,
  SchedulerOptions,
  SchedulerStats,
  ServerSchedule,
  TimerHandle,
} from './types.js';

/** Node's timers cannot wait longer than this; a later due time re-arms on the way. */
const MAX_TIMER_MS = 2_147_483_647;

interface HeapItem<S> {
  entry: Entry<S>;
  generation: number;
}

export class Scheduler<S extends ScheduledServer = ScheduledServer> {
  private readonly entries = new Map<string, Entry<S>>();
  private readonly planner = new SpreadPlanner();
  private readonly due = new DueHeap<HeapItem<S>>();
  private readonly urgent = new Fifo<{ entry: Entry<S>; pending: Pending }>();
  private readonly normal = new Fifo<{ entry: Entry<S>; pending: Pending }>();
  private readonly lateness: LatenessRing;
  private readonly concurrency: number;
  private readonly graceMs: number;
  private timer: TimerHandle | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  private stopped = false;
  private inFlight = 0;
  private queuedCount = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly counts = {
    started: 0,
    confirmations: 0,
    manual: 0,
    completed: 0,
    failed: 0,
    errors: 0,
    abandoned: 0,
    skippedSlots: 0,
  };

  constructor(
    private readonly deps: SchedulerDeps<S>,
    options: SchedulerOptions,
  ) {
    if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
      throw new RangeError(`scheduler concurrency must be a whole number >= 1, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
    this.graceMs = options.abandonGraceMs ?? 5_000;
    this.lateness = new LatenessRing(options.latenessSamples ?? 10_000);
  }

  /** Begins scheduling every server added so far (and those added later). */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    const now = this.deps.now();
    for (const entry of this.entries.values()) {
      entry.nextSlot = this.firstSlot(entry, now);
      this.reschedule(entry);
    }
    this.arm();
  }

  /** `notBefore`: its first scheduled slot is at or after this time (ms since the epoch). */
  add(server: S, opts: { notBefore?: number } = {}): void {
    this.assertOpen();
    validate(server);
    if (this.entries.has(server.name)) throw new Error(`server "${server.name}" is already scheduled`);
    const entry = newEntry(server, this.planner.place(server.name, server.intervalMs));
    entry.offset = fixedOffset(server) ?? entry.offset;
    entry.notBefore = opts.notBefore ?? 0;
    this.entries.set(server.name, entry);
    if (this.running) {
      entry.nextSlot = this.firstSlot(entry, this.deps.now());
      this.reschedule(entry);
      this.arm();
    }
  }

  /** Stops scheduling a server; a probe of it already running finishes on its own. */
  remove(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.entries.delete(name);
    this.planner.release(entry.placement);
    entry.removed = true;
    entry.generation++;
    this.setQueued(entry, null);
    if (!entry.running) rejectWaiters(entry, `server "${name}" was removed`);
    return true;
  }

  /**
   * Replaces a server's settings (same name). A new interval moves it to the new grid from now on;
   * `paused` pauses or resumes it. Its failure count and any running probe carry over.
   */
  update(server: S): void {
    this.assertOpen();
    validate(server);
    const entry = this.entries.get(server.name);
    if (!entry) throw new Error(`server "${server.name}" is not scheduled`);
    const previous = entry.server;
    entry.server = server;
    const now = this.deps.now();
    if (server.intervalMs !== previous.intervalMs) {
      this.planner.release(entry.placement);
      entry.placement = this.planner.place(server.name, server.intervalMs);
      entry.offset = fixedOffset(server) ?? entry.placement.offsetMs;
      entry.nextSlot = this.firstSlot(entry, now);
    } else if ((fixedOffset(server) ?? entry.placement.offsetMs) !== entry.offset) {
      entry.offset = fixedOffset(server) ?? entry.placement.offsetMs;
      entry.nextSlot = this.firstSlot(entry, now);
    }
    if (server.paused && !previous.paused) {
      // A queued probe someone is waiting for (probeNow) still runs; a merely scheduled one does not.
      if (entry.waiters.length === 0) this.setQueued(entry, null);
      entry.confirmAt = null;
    }
    if (!server.paused && previous.paused) entry.nextSlot = this.firstSlot(entry, now);
    this.reschedule(entry);
    this.arm();
  }

  pause(name: string): void {
    const entry = this.entries.get(name);
    if (entry && !entry.server.paused) this.update({ ...entry.server, paused: true });
  }

  resume(name: string): void {
    const entry = this.entries.get(name);
    if (entry?.server.paused) this.update({ ...entry.server, paused: false });
  }

  /**
   * Probes a server now (ahead of scheduled probes in the queue), also when paused. If a probe of it
   * is already running or queued, waits for that one instead. Resolves with its verdict.
   */
  probeNow(name: string): Promise<ProbeVerdict> {
    const entry = this.entries.get(name);
    if (this.stopped) return Promise.reject(new Error('the scheduler is stopped'));
    if (!entry) return Promise.reject(new Error(`server "${name}" is not scheduled`));
    const result = new Promise<ProbeVerdict>((resolve, reject) => entry.waiters.push({ resolve, reject }));
    if (!entry.running && !entry.queued)
      this.request(entry, { kind: 'manual', index: 0, dueAt: this.deps.now() });
    return result;
  }

  /**
   * Stops scheduling and drops queued probes; resolves when the probes in flight have settled (or
   * been abandoned at their deadline). With `abort`, their signals are aborted first.
   */
  stop(opts: { abort?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.running = false;
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.due.clear();
    this.urgent.clear();
    this.normal.clear();
    for (const entry of this.entries.values()) {
      entry.generation++;
      this.setQueued(entry, null);
      if (entry.running) {
        if (opts.abort) entry.running.controller.abort(new Error('the scheduler is stopping'));
      } else {
        rejectWaiters(entry, 'the scheduler is stopped');
      }
    }
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): SchedulerStats {
    let paused = 0;
    for (const entry of this.entries.values()) if (entry.server.paused) paused++;
    return {
      servers: this.entries.size,
      paused,
      inFlight: this.inFlight,
      queued: this.queuedCount,
      ...this.counts,
      lateness: this.lateness.summary(),
    };
  }

  /** The recent lateness samples (ms), oldest first. */
  latenessSamples(): number[] {
    return this.lateness.values();
  }

  inspect(name: string): ServerSchedule | null {
    const entry = this.entries.get(name);
    if (!entry) return null;
    const active = this.running && !entry.server.paused;
    return {
      name,
      paused: entry.server.paused === true,
      running: entry.running !== null,
      queued: entry.queued !== null,
      nextDueAt: active ? this.nextDue(entry) : null,
      offsetMs: entry.offset,
      consecutiveFailures: entry.consecutiveFailures,
      confirming: entry.confirmAt !== null,
      skippedSlots: entry.skippedSlots,
    };
  }

  // --- timing -------------------------------------------------------------------------------------

  private firstSlot(entry: Entry<S>, now: number): number {
    return firstSlotAtOrAfter(Math.max(now, entry.notBefore), entry.server.intervalMs, entry.offset);
  }

  private nextDue(entry: Entry<S>): number {
    const slot = slotTime(entry.nextSlot, entry.server.intervalMs, entry.offset);
    return entry.confirmAt === null ? slot : Math.min(slot, entry.confirmAt);
  }

  /** Puts the server's next due time on the heap (superseding any earlier one). */
  private reschedule(entry: Entry<S>): void {
    entry.generation++;
    if (!this.running || entry.removed || entry.server.paused) return;
    this.due.push(this.nextDue(entry), { entry, generation: entry.generation });
  }

  /** Keeps one timer set for the earliest live due time. */
  private arm(): void {
    if (!this.running) return;
    let top = this.due.peek();
    while (top && top.item.generation !== top.item.entry.generation) {
      this.due.pop();
      top = this.due.peek();
    }
    const at = top?.at ?? Number.POSITIVE_INFINITY;
    if (at === this.timerAt) return;
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, at - this.deps.now()), MAX_TIMER_MS);
    this.timer = this.deps.setTimer(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.deps.now();
    for (let top = this.due.peek(); top && top.at <= now; top = this.due.peek()) {
      this.due.pop();
      if (top.item.generation === top.item.entry.generation) this.fire(top.item.entry, now);
    }
    this.arm();
  }

  /**
   * Handles whatever is due for one server: the latest slot that has come (older ones that were
   * missed, e.g. while the process was suspended, count as skipped) and its confirmation.
   */
  private fire(entry: Entry<S>, now: number): void {
    const { intervalMs } = entry.server;
    const latest = Math.floor((now - entry.offset) / intervalMs);
    if (latest >= entry.nextSlot) {
      const busy = entry.running !== null || entry.queued !== null;
      this.skip(entry, latest - entry.nextSlot + (busy ? 1 : 0));
      entry.nextSlot = latest + 1;
      if (!busy) {
        // A scheduled probe during confirmation serves as the next confirmation.
        entry.confirmAt = null;
        this.request(entry, {
          kind: 'scheduled',
          index: latest,
          dueAt: slotTime(latest, intervalMs, entry.offset),
        });
      }
    }
    if (entry.confirmAt !== null && entry.confirmAt <= now) {
      if (!entry.running && !entry.queued) {
        this.request(entry, { kind: 'confirm', index: entry.confirmAttempt, dueAt: entry.confirmAt });
      }
      entry.confirmAt = null;
    }
    this.reschedule(entry);
  }

  private skip(entry: Entry<S>, slots: number): void {
    entry.skippedSlots += slots;
    this.counts.skippedSlots += slots;
  }

  // --- running probes -----------------------------------------------------------------------------

  private request(entry: Entry<S>, pending: Pending): void {
    if (this.inFlight < this.concurrency) {
      this.begin(entry, pending);
      return;
    }
    this.setQueued(entry, pending);
    (pending.kind === 'scheduled' ? this.normal : this.urgent).push({ entry, pending });
  }

  private setQueued(entry: Entry<S>, pending: Pending | null): void {
    if (entry.queued && !pending) this.queuedCount--;
    if (!entry.queued && pending) this.queuedCount++;
    entry.queued = pending;
  }

  private pump(): void {
    while (this.inFlight < this.concurrency) {
      const next = this.urgent.shift() ?? this.normal.shift();
      if (!next) return;
      const { entry, pending } = next;
      if (entry.queued !== pending || entry.removed) continue;
      this.setQueued(entry, null);
      this.begin(entry, pending);
    }
  }

  private begin(entry: Entry<S>, pending: Pending): void {
    const now = this.deps.now();
    const controller = new AbortController();
    const slot: ProbeSlot = {
      kind: pending.kind,
      index: pending.index,
      dueAt: pending.dueAt,
      startedAt: now,
      latenessMs: pending.kind === 'manual' ? 0 : now - pending.dueAt,
      region: entry.server.region ?? 'local',
      consecutiveFailures: entry.consecutiveFailures,
      signal: controller.signal,
    };
    const run: Run = { slot, controller, watchdog: null, settled: false };
    entry.running = run;
    this.inFlight++;
    this.counts.started++;
    if (pending.kind === 'confirm') this.counts.confirmations++;
    if (pending.kind === 'manual') this.counts.manual++;
    else this.lateness.record(slot.latenessMs);

    const { timeoutMs } = entry.server;
    if (timeoutMs !== undefined) {
      run.watchdog = this.deps.setTimer(() => this.abandon(entry, run), timeoutMs + this.graceMs);
    }
    let probe: Promise<ProbeVerdict>;
    try {
      probe = Promise.resolve(this.deps.runProbe(entry.server, slot));
    } catch (err) {
      probe = Promise.reject(err);
    }
    probe.then(
      (verdict) => this.settle(entry, run, verdict?.ok === true),
      (err: unknown) => {
        if (run.settled) return;
        this.counts.errors++;
        this.report(err, entry, slot);
        this.settle(entry, run, false);
      },
    );
  }

  private abandon(entry: Entry<S>, run: Run): void {
    if (run.settled) return;
    run.watchdog = null;
    this.counts.abandoned++;
    run.controller.abort(new Error('probe abandoned: it outlived its deadline'));
    this.settle(entry, run, false);
  }

  private settle(entry: Entry<S>, run: Run, ok: boolean): void {
    if (run.settled) return;
    run.settled = true;
    if (run.watchdog !== null) this.deps.clearTimer(run.watchdog);
    this.inFlight--;
    this.counts.completed++;
    if (!ok) this.counts.failed++;
    if (entry.running === run) entry.running = null;

    if (ok) {
      entry.consecutiveFailures = 0;
      entry.confirmAttempt = 0;
      entry.confirmAt = null;
    } else {
      entry.consecutiveFailures++;
      if (entry.consecutiveFailures < entry.server.confirmFailures && !entry.server.paused) {
        entry.confirmAttempt++;
        entry.confirmAt = Math.max(run.slot.startedAt + entry.server.confirmEveryMs, this.deps.now());
      } else {
        entry.confirmAttempt = 0;
        entry.confirmAt = null;
      }
    }
    const waiters = entry.waiters.splice(0);
    for (const w of waiters) w.resolve({ ok });

    if (!this.stopped) {
      // A confirmation due already (the probe outlasted confirmEveryMs) goes ahead of the queue.
      if (this.running && !entry.removed && !entry.server.paused) this.fire(entry, this.deps.now());
      this.pump();
      this.arm();
    }
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private report(err: unknown, entry: Entry<S>, slot: ProbeSlot): void {
    try {
      this.deps.onError?.(err, entry.server, slot);
    } catch {
      // A failing logger must not stop the scheduler either.
    }
  }

  private assertOpen(): void {
    if (this.stopped) throw new Error('the scheduler is stopped');
  }
}

/** The caller's offset, when it fixed one, brought within the interval. */
function fixedOffset(server: ScheduledServer): number | undefined {
  if (server.offsetMs === undefined) return undefined;
  return ((Math.floor(server.offsetMs) % server.intervalMs) + server.intervalMs) % server.intervalMs;
}
