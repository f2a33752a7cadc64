/** Incidents, warnings, outbox inserts and engine state: one evaluation tick, one transaction. */
import { mergeStoredIncident } from '../../engine/reconcile.js';
import type { Incident, Warning } from '../../engine/types.js';
import type { IncidentQuery, JudgementWrite } from '../store.js';
import { fromJson, toJson, type Connection } from './connection.js';
import { insertOutbox } from './outbox.js';

export const DEFAULT_LIST_LIMIT = 100;

export function writeJudgement(conn: Connection, w: JudgementWrite): void {
  conn.write(() => {
    for (const mine of w.incidents ?? []) {
      // What the stored copy has that this one lacks (an acknowledgement, an update) is kept.
      const i = mergeStoredIncident(mine, getIncident(conn, mine.id));
      conn
        .stmt(
          `INSERT INTO incidents (id, server, severity, status, opened_at, resolved_at, data)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET server = excluded.server, severity = excluded.severity,
              status = excluded.status, opened_at = excluded.opened_at, resolved_at = excluded.resolved_at,
              data = excluded.data`,
        )
        .run(i.id, i.server, i.severity, i.status, i.openedAt, i.resolvedAt, toJson(i));
    }
    for (const x of w.warnings ?? []) {
      conn
        .stmt(
          `INSERT INTO warnings (id, server, rule, opened_at, cleared_at, data) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET server = excluded.server, rule = excluded.rule,
              opened_at = excluded.opened_at, cleared_at = excluded.cleared_at, data = excluded.data`,
        )
        .run(x.id, x.server, x.rule, x.openedAt, x.clearedAt, toJson(x));
    }
    for (const m of w.outbox ?? []) insertOutbox(conn, m);
    for (const s of w.engineState ?? []) {
      conn
        .stmt(
          `INSERT INTO engine_state (server, state, at) VALUES (?, ?, ?)
            ON CONFLICT (server) DO UPDATE SET state = excluded.state, at = excluded.at`,
        )
        .run(s.server, s.state, s.at);
    }
  });
}

export function getIncident(conn: Connection, id: string): Incident | null {
  const r = conn.stmt<{ data: string }>('SELECT data FROM incidents WHERE id = ?').get(id);
  return r ? fromJson<Incident>(r.data) : null;
}

/** Newest first (by openedAt, then id). `open: true` = not resolved; `open: false` = resolved. */
export function listIncidents(conn: Connection, q: IncidentQuery): Incident[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.server !== undefined) {
    where.push('server = ?');
    params.push(q.server);
  }
  if (q.open !== undefined) where.push(q.open ? "status <> 'resolved'" : "status = 'resolved'");
  params.push(q.limit ?? DEFAULT_LIST_LIMIT);
  const sql =
    'SELECT data FROM incidents' +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY opened_at DESC, id DESC LIMIT ?';
  return conn
    .stmt<{ data: string }>(sql)
    .all(...params)
    .map((r) => fromJson<Incident>(r.data));
}

/** Newest first (by openedAt, then id). `active: true` = not cleared; `active: false` = cleared. */
export function listWarnings(
  conn: Connection,
  q: { server?: string; active?: boolean; limit?: number },
): Warning[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.server !== undefined) {
    where.push('server = ?');
    params.push(q.server);
  }
  if (q.active !== undefined) where.push(q.active ? 'cleared_at IS NULL' : 'cleared_at IS NOT NULL');
  params.push(q.limit ?? DEFAULT_LIST_LIMIT);
  const sql =
    'SELECT data FROM warnings' +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY opened_at DESC, id DESC LIMIT ?';
  return conn
    .stmt<{ data: string }>(sql)
    .all(...params)
    .map((r) => fromJson<Warning>(r.data));
}

export function loadEngineStates(conn: Connection): { server: string; state: string; at: number }[] {
  return conn
    .stmt<{ server: string; state: string; at: number }>(
      'SELECT server, state, at FROM engine_state ORDER BY server',
    )
    .all();
}
