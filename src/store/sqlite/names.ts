/**
 * The dictionary of server and region names (results and rollups keep a small integer per name
 * instead of the text) and of rollup series (one server, region and granularity). Ids are never reused or deleted, so the cache of name -> id stays true.
 */
import { GRANULARITY_CODE } from '../compact.js';
import type { Granularity } from '../store.js';
import type { Connection } from './connection.js';

const caches = new WeakMap<Connection, Map<string, number>>();
/**
 * Series ids by granularity, region, then server: the names are the keys, so no key string is kept
 * per series (there are three per server) or built per lookup.
 */
const seriesCaches = new WeakMap<Connection, Map<Granularity, Map<string, Map<string, number>>>>();

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
  seriesCaches.delete(conn);
}

/** The id of a rollup series (server, region, granularity), created when new; never deleted either. */
export function seriesId(conn: Connection, server: string, region: string, g: Granularity): number {
  let byGranularity = seriesCaches.get(conn);
  if (!byGranularity) seriesCaches.set(conn, (byGranularity = new Map()));
  let byRegion = byGranularity.get(g);
  if (!byRegion) byGranularity.set(g, (byRegion = new Map()));
  let byServer = byRegion.get(region);
  if (!byServer) byRegion.set(region, (byServer = new Map()));
  const known = byServer.get(server);
  if (known !== undefined) return known;
  const id = conn
    .stmt<{ id: number }>(
      `INSERT INTO rollup_series (server, granularity, region) VALUES (?, ?, ?)
        ON CONFLICT (server, granularity, region) DO UPDATE SET server = excluded.server RETURNING id`,
    )
    .get(nameId(conn, server), GRANULARITY_CODE[g], nameId(conn, region))!.id;
  byServer.set(server, id);
  return id;
}

/** SQL for "the series of the server in ? and granularity in ?" (and, with region, the region in ?). */
export const SERIES_OF = (withRegion: boolean): string =>
  `(SELECT id FROM rollup_series WHERE server = ${NAME_ID} AND granularity = ?${withRegion ? ` AND region = ${NAME_ID}` : ''})`;

/** SQL for "the id of the name in parameter ?" (NULL when unknown, which matches no row). */
export const NAME_ID = '(SELECT id FROM names WHERE name = ?)';
