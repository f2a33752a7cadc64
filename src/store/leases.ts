/**
 * How several `serve` instances on one database share the work: which instance probes and judges
 * which server (leases), who is alive (instances and their heartbeat), and who delivers which outbox
 * message (claims). PostgreSQL implements it with rows (postgres/leases.ts); SQLite is one instance
 * by construction, so its implementation (SoloLeases) holds every server and claims every message.
 *
 * Rules every implementation keeps:
 * - A lease is held until `expiresAt`; only its holder renews it (at each heartbeat). A lease whose
 *   holder stopped renewing expires and may be claimed by any live instance (a takeover).
 * - A heartbeat never leaves an instance holding more than its fair share,
 *   ceil(servers / live instances): the surplus is named in `surplus`, and the instance releases it
 *   (after it stopped probing those servers) with release(), so a new instance gets its share.
 * - An outbox message is delivered only by the instance that claimed it, and only while the claim
 *   lasts; all pending messages of one channel are claimed by one instance at a time, so a channel
 *   still gets its messages in order.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxMessage, Store } from './store.js';

/** Who this instance is, as the instances table shows it. */
export interface InstanceIdentity {
  /** Unique per process: host, pid and a random part. */
  id: string;
  host: string;
  pid: number;
  /** Where its web face listens (null until it listens). */
  url: string | null;
  startedAt: number;
}

export interface InstanceRow extends InstanceIdentity {
  heartbeatAt: number;
  /** Dead (for leases) after this. */
  expiresAt: number;
  /** Leases it holds now. */
  leases: number;
}

export interface LeaseRow {
  server: string;
  holder: string | null;
  expiresAt: number;
  acquiredAt: number | null;
}

export interface Gained {
  server: string;
  /** True when the previous holder's lease had expired (it died); false after a release or for a new server. */
  takeover: boolean;
}

export interface HeartbeatResult {
  /** Servers this instance holds after the beat (renewed and newly claimed). */
  held: string[];
  /** Newly claimed in this beat. */
  gained: Gained[];
  /** Held before this beat but no longer ours (our lease ran out and another instance claimed it). */
  lost: string[];
  /** Held, but beyond the fair share: stop probing them, then release() them. */
  surplus: string[];
  /** Live instances (this one included) and the fair share they imply. */
  live: number;
  share: number;
}

export interface Leases {
  /** False for a single-instance store: everything is ours, nothing is shared. */
  readonly shared: boolean;
  /**
   * Records the heartbeat, renews this instance's leases, claims free or expired ones up to the fair
   * share of `servers` (the servers the config names), and says which to give back.
   */
  heartbeat(
    self: InstanceIdentity,
    servers: readonly string[],
    now: number,
    ttlMs: number,
  ): Promise<HeartbeatResult>;
  /** Gives leases back (they are free at once). */
  release(instanceId: string, servers: readonly string[]): Promise<void>;
  /** A clean stop: every lease released, the instance row removed, its outbox claims dropped. */
  leave(instanceId: string): Promise<void>;
  /** Instances that beat within the last `keepMs` (dead ones included until then), newest first. */
  instances(now: number, keepMs?: number): Promise<InstanceRow[]>;
  leases(): Promise<LeaseRow[]>;
  /**
   * Claims pending outbox messages (not only due ones: a channel's later messages wait behind its
   * earliest) of channels no other instance holds a live claim on, oldest first, until now + claimMs.
   */
  claimOutbox(instanceId: string, now: number, claimMs: number, limit: number): Promise<OutboxMessage[]>;
}

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/** One instance on its own store (SQLite): every server is held, every message is ours. */
export class SoloLeases implements Leases {
  readonly shared = false;
  private held = new Set<string>();
  private self: InstanceRow | null = null;

  constructor(private readonly store: Pick<Store, 'dueOutbox'>) {}

  async heartbeat(
    self: InstanceIdentity,
    servers: readonly string[],
    now: number,
    ttlMs: number,
  ): Promise<HeartbeatResult> {
    const next = new Set(servers);
    const gained = servers.filter((s) => !this.held.has(s)).map((server) => ({ server, takeover: false }));
    const lost = [...this.held].filter((s) => !next.has(s));
    this.held = next;
    this.self = { ...self, heartbeatAt: now, expiresAt: now + ttlMs, leases: next.size };
    return { held: [...next], gained, lost, surplus: [], live: 1, share: next.size };
  }

  async release(_instanceId: string, servers: readonly string[]): Promise<void> {
    for (const s of servers) this.held.delete(s);
  }

  async leave(_instanceId?: string): Promise<void> {
    this.held.clear();
    this.self = null;
  }

  async instances(_now?: number): Promise<InstanceRow[]> {
    return this.self ? [{ ...this.self, leases: this.held.size }] : [];
  }

  async leases(): Promise<LeaseRow[]> {
    const holder = this.self?.id ?? null;
    return [...this.held].sort().map((server) => ({
      server,
      holder,
      expiresAt: this.self?.expiresAt ?? 0,
      acquiredAt: this.self?.startedAt ?? null,
    }));
  }

  claimOutbox(_instanceId: string, _now: number, _claimMs: number, limit: number): Promise<OutboxMessage[]> {
    return this.store.dueOutbox(FAR_FUTURE, limit);
  }
}

/** The fair share of `servers` among `live` instances. */
export function fairShare(servers: number, live: number): number {
  return Math.ceil(servers / Math.max(1, live));
}

/** A new identity for this process: host, pid and a random part (a restarted process is a new instance). */
export function newInstanceIdentity(now: number, url: string | null = null): InstanceIdentity {
  const host = hostname();
  return {
    id: `${host}-${process.pid}-${randomBytes(3).toString('hex')}`,
    host,
    pid: process.pid,
    url,
    startedAt: now,
  };
}
