/** The durable outbox: insert-once by key, due rows oldest first, status updates. */
import type { OutboxMessage } from '../store.js';
import { fromJson, toJson, type Connection } from './connection.js';

type OutboxPatch = Partial<Pick<OutboxMessage, 'status' | 'attempts' | 'notBefore' | 'lastError'>>;

/** Inserts a message; a message whose key already exists is ignored (idempotency). */
export function insertOutbox(conn: Connection, m: OutboxMessage): void {
  conn
    .stmt(
      `INSERT INTO outbox (key, channel, incident_id, payload, created_at, not_before, attempts, status, last_error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    )
    .run(
      m.key,
      m.channel,
      m.incidentId,
      toJson(m.payload),
      m.createdAt,
      m.notBefore,
      m.attempts,
      m.status,
      m.lastError,
    );
}

interface OutboxRow {
  id: number;
  key: string;
  channel: string;
  incident_id: string | null;
  payload: string;
  created_at: number;
  not_before: number;
  attempts: number;
  status: OutboxMessage['status'];
  last_error: string | null;
}

export function dueOutbox(conn: Connection, now: number, limit: number): OutboxMessage[] {
  return conn
    .stmt<OutboxRow>(
      `SELECT * FROM outbox WHERE status = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT ?`,
    )
    .all(now, limit)
    .map((r) => ({
      id: r.id,
      key: r.key,
      channel: r.channel,
      incidentId: r.incident_id,
      payload: fromJson<unknown>(r.payload),
      createdAt: r.created_at,
      notBefore: r.not_before,
      attempts: r.attempts,
      status: r.status,
      lastError: r.last_error,
    }));
}

/** Changes only the fields present in `patch` (lastError: null clears it). */
export function updateOutbox(conn: Connection, id: number, patch: OutboxPatch): void {
  conn
    .stmt(
      `UPDATE outbox SET status = coalesce(?, status), attempts = coalesce(?, attempts),
        not_before = coalesce(?, not_before), last_error = CASE WHEN ? THEN ? ELSE last_error END
        WHERE id = ?`,
    )
    .run(
      patch.status ?? null,
      patch.attempts ?? null,
      patch.notBefore ?? null,
      patch.lastError !== undefined ? 1 : 0,
      patch.lastError ?? null,
      id,
    );
}

export function existingKeys(conn: Connection, keys: readonly string[]): Set<string> {
  const found = new Set<string>();
  const stmt = conn.stmt<{ key: string }>('SELECT key FROM outbox WHERE key = ?');
  for (const k of keys) if (stmt.get(k)) found.add(k);
  return found;
}
