/**
 * The registry sources of a running `serve`: each synced once shortly after start and then every
 * `every`, one run at a time per source. A failed run logs a warning and raises a `source_failing`
 * warning (server `source:NAME`, like channel warnings); the next good run clears it.
 */
import type { RawServer } from '../config/raw.js';
import type { SourceConfig } from '../config/types.js';
import type { Warning } from '../engine/types.js';
import type { Clock, TimerHandle } from '../scheduler/types.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { RegistryClientOptions } from './client.js';
import { SourceSync, sourceTag, type SourceTarget, type SyncOutcome } from './sync.js';

/** Shortest time between two syncs of one source, whatever `every` says. */
export const MIN_EVERY_MS = 60_000;
/** The first sync waits this long after start (the monitor is up and probing by then). */
export const FIRST_SYNC_MS = 5_000;

export interface SourceRunnerDeps {
  sources: SourceConfig[];
  store: Store;
  log: Logger;
  clock: Clock;
  client?: RegistryClientOptions;
}

export class SourceRunner {
  private readonly syncs: SourceSync[];
  private readonly timers = new Map<string, TimerHandle>();
  private readonly running = new Map<string, Promise<SyncOutcome>>();
  private target: SourceTarget | null = null;
  private stopped = false;

  constructor(private readonly deps: SourceRunnerDeps) {
    this.syncs = deps.sources.map(
      (s) => new SourceSync(s, deps.store, { now: deps.clock.now, client: deps.client }),
    );
  }

  /** Every source's servers as last saved (for the monitor's start); names in `taken` are left out. */
  async restore(taken: ReadonlySet<string>): Promise<RawServer[]> {
    const out: RawServer[] = [];
    const names = new Set(taken);
    for (const sync of this.syncs) {
      for (const entry of await sync.load()) {
        if (names.has(entry.name)) continue;
        names.add(entry.name);
        out.push(entry);
      }
    }
    return out;
  }

  start(target: SourceTarget): void {
    this.target = target;
    for (const sync of this.syncs) this.arm(sync, FIRST_SYNC_MS);
  }

  /** Stops the timers and waits for runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) this.deps.clock.clearTimer(t);
    this.timers.clear();
    await Promise.allSettled(this.running.values());
  }

  /** Runs one source now (or waits for its run in flight), into the started target or `target`. */
  runNow(name: string, target: SourceTarget | null = this.target): Promise<SyncOutcome> {
    const sync = this.syncs.find((s) => s.source.name === name);
    if (!sync || !target) return Promise.reject(new Error(`no source "${name}" to run`));
    return this.runOne(sync, target);
  }

  private arm(sync: SourceSync, ms: number): void {
    if (this.stopped) return;
    const timer = this.deps.clock.setTimer(() => {
      if (!this.target) return;
      void this.runOne(sync, this.target)
        .catch((err: unknown) =>
          this.deps.log.error({ err, source: sync.source.name }, 'registry sync failed'),
        )
        .finally(() => this.arm(sync, Math.max(MIN_EVERY_MS, sync.source.everyMs)));
    }, ms);
    this.timers.set(sync.source.name, timer);
  }

  private runOne(sync: SourceSync, target: SourceTarget): Promise<SyncOutcome> {
    const name = sync.source.name;
    const inFlight = this.running.get(name);
    if (inFlight) return inFlight;
    const run = sync
      .run(target)
      .then(async (outcome) => {
        await this.report(sync, outcome);
        return outcome;
      })
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  private async report(sync: SourceSync, o: SyncOutcome): Promise<void> {
    const { log, store, clock } = this.deps;
    const source = sync.source.name;
    const server = sourceTag(source);
    const active = (await store.listWarnings({ server, active: true, limit: 100 })).filter(
      (w) => w.rule === 'source_failing',
    );
    if (!o.ok) {
      const message = `registry source ${source}: ${o.error.code}: ${o.error.message}; the server list is left as it is`;
      log.warn({ source, code: o.error.code, url: o.error.url }, message);
      if (active.length === 0) {
        const now = clock.now();
        const warning: Warning = {
          id: `${server}-${now}`,
          server,
          rule: 'source_failing',
          message,
          openedAt: now,
          clearedAt: null,
          details: { code: o.error.code, registry: sync.source.registry },
        };
        await store.writeJudgement({ warnings: [warning] });
      }
      return;
    }
    if (active.length > 0)
      await store.writeJudgement({ warnings: active.map((w) => ({ ...w, clearedAt: clock.now() })) });
    const skipped = Object.entries(o.skipped)
      .map(([r, n]) => `${n} ${r}`)
      .join(', ');
    log.info(
      {
        source,
        kind: o.kind,
        read: o.read,
        added: o.added.length,
        removed: o.removed.length,
        changed: o.changed.length,
        deprecated: o.deprecated,
        needsConfig: o.needsConfig,
      },
      `registry source ${source}: ${o.servers} servers (${o.added.length} added, ${o.removed.length} removed, ${o.changed.length} changed); ${o.needsConfig} need configuration and are not probed${skipped ? `; skipped: ${skipped}` : ''}`,
    );
  }
}
