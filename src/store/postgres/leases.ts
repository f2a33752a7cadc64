/**
 * Leases on PostgreSQL (see ../leases.ts for the rules): one row per server in `leases` with its
 * holder and expiry, one row per instance in `instances` with its heartbeat.
 *
 * Why lease rows and not advisory locks: an advisory lock lives as long as one connection, so a
 * pooled client, a proxy (PgBouncer in transaction mode) or a network blip silently moves or drops
 * it, and nobody else can see who holds what. A row with an expiry is visible to every instance (the
 * dashboard and /healthz show it), survives reconnects, and expires on its own when its holder is
 * killed with -9. Claims take free or expired rows with SELECT … FOR UPDATE SKIP LOCKED, so two
 * instances claiming at once never wait for each other nor take the same server.
 *
 * Times are the instances' clocks (ms since the epoch): hosts must keep them in sync (NTP), well
 * within the lease TTL.
 */
import type pg from 'pg';
import {
  fairShare,
  type Gained,
  type HeartbeatResult,
  type InstanceIdentity,
  type InstanceRow,
  type LeaseRow,
  type Leases,
} from '../leases.js';
import type { OutboxMessage } from '../store.js';
import { transaction } from './connection.js';
import { outboxFromRow, type OutboxRow } from './index.js';

/** Dead instances stay listed (dashboard, /healthz) this long after their last heartbeat. */
const KEEP_DEAD_MS = 3_600_000;

export class PgLeases implements Leases {
  readonly shared = true;
  /** What each instance of this process held after its last beat (to name what it lost). */
  private readonly held = new Map<string, Set<string>>();

  constructor(private readonly pool: pg.Pool) {}

  async heartbeat(
    self: InstanceIdentity,
    servers: readonly string[],
    now: number,
    ttlMs: number,
  ): Promise<HeartbeatResult> {
    const expires = now + ttlMs;
    const names = [...new Set(servers)];
    const result = await transaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO instances (id, host, pid, url, started_at, heartbeat_at, expires_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7)
          ON CONFLICT (id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at,
            expires_at = excluded.expires_at`,
        [self.id, self.host, self.pid, self.url, self.startedAt, now, expires],
      );
      await c.query('DELETE FROM instances WHERE expires_at < $1', [now - KEEP_DEAD_MS]);
      await c.query('INSERT INTO leases (server) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [names]);
      // Leases of servers this instance no longer monitors go back at once.
      await c.query(
        `UPDATE leases SET holder = NULL, expires_at = 0 WHERE holder = $1 AND NOT (server = ANY($2::text[]))`,
        [self.id, names],
      );
      const live = Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM instances WHERE expires_at > $1', [now]))
          .rows[0]!.n,
      );
      const share = fairShare(names.length, live);
      // Renew: only rows still ours (an expired one nobody claimed yet is still ours).
      const renewed = (
        await c.query<{ server: string }>(
          'UPDATE leases SET expires_at = $2 WHERE holder = $1 RETURNING server',
          [self.id, expires],
        )
      ).rows.map((r) => r.server);
      const gained: Gained[] = [];
      if (renewed.length < share) {
        const free = await c.query<{ server: string; holder: string | null }>(
          `SELECT server, holder FROM leases
            WHERE server = ANY($1::text[]) AND (holder IS NULL OR (holder <> $2 AND expires_at <= $3))
            ORDER BY server LIMIT $4 FOR UPDATE SKIP LOCKED`,
          [names, self.id, now, share - renewed.length],
        );
        if (free.rows.length > 0)
          await c.query(
            'UPDATE leases SET holder = $1, expires_at = $2, acquired_at = $3 WHERE server = ANY($4::text[])',
            [self.id, expires, now, free.rows.map((r) => r.server)],
          );
        for (const r of free.rows) gained.push({ server: r.server, takeover: r.holder !== null });
      }
      const held = [...renewed, ...gained.map((g) => g.server)].sort();
      const surplus = held.length > share ? held.slice(share) : [];
      return { held, gained, surplus, live, share };
    });
    const before = this.held.get(self.id) ?? new Set<string>();
    const now_ = new Set(result.held);
    this.held.set(self.id, now_);
    return { ...result, lost: [...before].filter((s) => !now_.has(s)).sort() };
  }

  async release(instanceId: string, servers: readonly string[]): Promise<void> {
    if (servers.length === 0) return;
    await this.pool.query(
      'UPDATE leases SET holder = NULL, expires_at = 0 WHERE holder = $1 AND server = ANY($2::text[])',
      [instanceId, [...servers]],
    );
    const mine = this.held.get(instanceId);
    for (const s of servers) mine?.delete(s);
  }

  async leave(instanceId: string): Promise<void> {
    await transaction(this.pool, async (c) => {
      await c.query('UPDATE leases SET holder = NULL, expires_at = 0 WHERE holder = $1', [instanceId]);
      await c.query('UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = $1', [
        instanceId,
      ]);
      await c.query('DELETE FROM instances WHERE id = $1', [instanceId]);
    });
    this.held.delete(instanceId);
  }

  async instances(now: number, keepMs = KEEP_DEAD_MS): Promise<InstanceRow[]> {
    const r = await this.pool.query<{
      id: string;
      host: string;
      pid: number;
      url: string | null;
      started_at: number;
      heartbeat_at: number;
      expires_at: number;
      leases: string;
    }>(
      `SELECT i.*, (SELECT count(*) FROM leases l WHERE l.holder = i.id AND l.expires_at > $1) AS leases
        FROM instances i WHERE i.expires_at >= $2 ORDER BY i.started_at DESC, i.id`,
      [now, now - keepMs],
    );
    return r.rows.map((x) => ({
      id: x.id,
      host: x.host,
      pid: x.pid,
      url: x.url,
      startedAt: x.started_at,
      heartbeatAt: x.heartbeat_at,
      expiresAt: x.expires_at,
      leases: Number(x.leases),
    }));
  }

  async leases(): Promise<LeaseRow[]> {
    const r = await this.pool.query<{
      server: string;
      holder: string | null;
      expires_at: number;
      acquired_at: number | null;
    }>('SELECT server, holder, expires_at, acquired_at FROM leases ORDER BY server');
    return r.rows.map((x) => ({
      server: x.server,
      holder: x.holder,
      expiresAt: x.expires_at,
      acquiredAt: x.acquired_at,
    }));
  }

  async claimOutbox(
    instanceId: string,
    now: number,
    claimMs: number,
    limit: number,
  ): Promise<OutboxMessage[]> {
    const rows = await transaction(this.pool, async (c) => {
      // Claims are short; taking them one at a time makes "no other instance holds this channel"
      // exact (two claimers could otherwise each see the channel free and split it).
      await c.query("SELECT pg_advisory_xact_lock(hashtext('mcpwatch.outbox-claim:' || current_schema()))");
      return (
        await c.query<OutboxRow>(
          `WITH busy AS (
              SELECT DISTINCT channel FROM outbox
                WHERE status = 'pending' AND claimed_by <> $1 AND claim_until > $2
            ), picked AS (
              SELECT id FROM outbox
                WHERE status = 'pending' AND channel NOT IN (SELECT channel FROM busy)
                ORDER BY not_before, id LIMIT $4 FOR UPDATE SKIP LOCKED
            )
            UPDATE outbox o SET claimed_by = $1, claim_until = $3 FROM picked WHERE o.id = picked.id
            RETURNING o.*`,
          [instanceId, now, now + claimMs, limit],
        )
      ).rows;
    });
    return rows.map(outboxFromRow).sort((a, b) => a.notBefore - b.notBefore || a.id! - b.id!);
  }
}
