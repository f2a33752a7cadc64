/**
 * The monitor's side of sharing a database with other `serve` instances: a heartbeat every
 * `cluster.heartbeat` renews this instance's leases and claims its fair share (store/leases.ts);
 * what it gains it adopts (state from the store, then probed), what it must give back it stops first
 * and then releases, and what it lost (its lease ran out: a stalled process, an unreachable database)
 * it stops at once without writing, because another instance judges it now.
 *
 * Only used when the store is shared (PostgreSQL); on SQLite the monitor holds every server.
 */
import type { Config } from '../config/types.js';
import type { InstanceIdentity, Leases } from '../store/leases.js';
import type { Clock, TimerHandle } from '../scheduler/index.js';
import type { Logger } from '../util/logger.js';

export interface LeaseHost {
  /** Every server this instance monitors (the lease table's rows). */
  serverNames(): string[];
  /** A lease was gained: load the server's state from the store and start probing it. */
  adopt(server: string, takeover: boolean): Promise<void>;
  /** Stop probing a server; `save` writes its state first (a release, not a loss). */
  drop(server: string, save: boolean): Promise<void>;
}

export interface LeaseStatus {
  self: InstanceIdentity;
  lastBeatAt: number | null;
  lastError: string | null;
  live: number;
  share: number;
  held: string[];
}

/** While heartbeats fail, how often that is logged again. */
const FAILURE_LOG_EVERY_MS = 60_000;

export class LeaseKeeper {
  private readonly held = new Set<string>();
  private timer: TimerHandle | null = null;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Our leases hold until then even if the database stops answering. */
  private validUntil = 0;
  private lastBeatAt: number | null = null;
  private lastError: string | null = null;
  private lastFailureLogAt = 0;
  private live = 1;
  private giving: Promise<void> | null = null;
  private share = 0;

  constructor(
    readonly leases: Leases,
    private self: InstanceIdentity,
    private readonly settings: Config['cluster'],
    private readonly host: LeaseHost,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get id(): string {
    return this.self.id;
  }

  owns(server: string): boolean {
    return this.held.has(server);
  }

  /** Where this instance's web face listens, shown to the others. */
  setUrl(url: string): void {
    this.self = { ...this.self, url };
  }

  status(): LeaseStatus {
    return {
      self: this.self,
      lastBeatAt: this.lastBeatAt,
      lastError: this.lastError,
      live: this.live,
      share: this.share,
      held: [...this.held].sort(),
    };
  }

  /** The first beat (so this instance starts with its share), then one every heartbeat. */
  async start(): Promise<void> {
    await this.beat();
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(() => {
      this.beating = this.beat().finally(() => this.arm());
    }, this.settings.heartbeatMs);
  }

  /** Stops beating; the caller saves what it holds, then leave()s. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    await this.beating;
    await this.giving;
  }

  /** Gives every lease and outbox claim back and removes this instance from the table. */
  async leave(): Promise<void> {
    this.held.clear();
    await this.leases.leave(this.self.id);
  }

  async beat(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now();
    const names = this.host.serverNames();
    let r;
    try {
      r = await this.leases.heartbeat(this.self, names, now, this.settings.leaseTtlMs);
    } catch (err) {
      // A database outage is already reported by the store (a warning, then every 60 s); say it
      // here once when the heartbeats start failing and once a minute while they do.
      if (this.lastError === null || now - this.lastFailureLogAt >= FAILURE_LOG_EVERY_MS) {
        this.lastFailureLogAt = now;
        this.log.warn({ err }, 'lease heartbeat failed');
      }
      this.lastError = (err as Error).message;
      // Alone at the last beat: nobody can take over, so probing goes on (writes wait in memory).
      if (this.clock.now() >= this.validUntil && this.live > 1 && this.held.size > 0) {
        this.log.error(
          { servers: this.held.size },
          'leases expired without a heartbeat: stopped probing until the database answers',
        );
        await this.lose([...this.held]);
      }
      return;
    }
    this.validUntil = now + this.settings.leaseTtlMs;
    this.lastBeatAt = now;
    if (this.lastError !== null) this.log.info('lease heartbeat answered again');
    this.lastError = null;
    this.live = r.live;
    this.share = r.share;
    // Adopting and giving back wait for the store and for probes in flight: they run beside the
    // beats, never in them, so a slow one cannot make this instance miss its own heartbeat.
    if (r.lost.length > 0) {
      // A server no longer monitored (removed through the API) gives its lease back: not a loss.
      const monitored = new Set(names);
      const taken = r.lost.filter((s) => monitored.has(s));
      if (taken.length > 0) this.log.warn({ servers: taken }, 'leases taken over by another instance');
      void this.lose(r.lost);
    }
    for (const g of r.gained) {
      this.held.add(g.server);
      this.host
        .adopt(g.server, g.takeover)
        .catch((err: unknown) =>
          this.log.error({ err, server: g.server }, 'could not start a server whose lease was gained'),
        );
    }
    if (r.gained.length > 0)
      this.log.info(
        {
          servers: r.gained.map((g) => g.server),
          takeovers: r.gained.filter((g) => g.takeover).length,
          live: r.live,
          share: r.share,
        },
        'leases gained',
      );
    if (r.surplus.length > 0 && this.giving === null) {
      for (const s of r.surplus) this.held.delete(s);
      this.giving = this.giveBack(r.surplus, r.live, r.share).finally(() => (this.giving = null));
    }
  }

  /** Stops the surplus servers (their state written), then releases their leases. */
  private async giveBack(servers: string[], live: number, share: number): Promise<void> {
    for (const s of servers)
      await this.host
        .drop(s, true)
        .catch((err: unknown) => this.log.error({ err, server: s }, 'drop failed'));
    try {
      await this.leases.release(this.self.id, servers);
      this.log.info({ servers, live, share }, 'leases given back (rebalancing)');
    } catch (err) {
      this.log.error({ err }, 'giving leases back failed; they expire on their own');
    }
  }

  private async lose(servers: string[]): Promise<void> {
    for (const s of servers) {
      this.held.delete(s);
      await this.host
        .drop(s, false)
        .catch((err: unknown) => this.log.error({ err, server: s }, 'drop failed'));
    }
  }
}
