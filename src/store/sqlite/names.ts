/**
 * The dictionary of server and region names: results and rollups keep a small integer per name
 * instead of the text. Ids are never reused or deleted, so the cache of name -> id stays true.
 */
import type { Connection } from './connection.js';

const caches = new WeakMap<Connection, Map<string, number>>();

function cacheOf(conn: Connection): Map<string, number> {
  let c = caches.get(conn);
  if (!c) caches.set(conn, (c = new Map()));
  return c;
}

/** The id of `name`, created when new (call inside the write transaction). */
export function nameId(conn: Connection, name: string): number {
  const cache = cacheOf(conn);
  const known = cache.get(name);
  if (known !== undefined) return known;
  const id = conn
    .stmt<{ id: number }>(
      'INSERT INTO names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id',
    )
    .get(name)!.id;
  cache.set(name, id);
  return id;
}

/** Forgets what a rolled-back transaction may have cached. */
export function forgetNames(conn: Connection): void {
  caches.delete(conn);
}

/** SQL for "the id of the name in parameter ?" (NULL when unknown, which matches no row). */
export const NAME_ID = '(SELECT id FROM names WHERE name = ?)';
