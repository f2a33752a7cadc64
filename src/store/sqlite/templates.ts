/**
 * Result templates: the part of a probe result that repeats from probe to probe (see ../compact.ts),
 * stored once per distinct text. `last_at` is an upper bound of the `at` of every result that uses
 * the template, so retention can delete a template once every result using it is gone.
 */
import { keepTemplateUntil } from '../compact.js';
import type { CompactResult } from '../compact.js';
import type { Connection } from './connection.js';

interface Known {
  id: number;
  lastAt: number;
}

/** Bound on cached template ids per connection (failures with varying messages make many). */
const MAX_CACHED = 10_000;

const caches = new WeakMap<Connection, Map<string, Known>>();

function cacheOf(conn: Connection): Map<string, Known> {
  let c = caches.get(conn);
  if (!c) caches.set(conn, (c = new Map()));
  return c;
}

/** The id of the template of `c` for a result at `at` (call inside the write transaction). */
export function templateId(conn: Connection, c: CompactResult, at: number): number {
  const cache = cacheOf(conn);
  const key = c.hash.toString('base64');
  const known = cache.get(key);
  if (known && known.lastAt >= at) return known.id;
  const row = conn
    .stmt<{ id: number; last_at: number }>(
      `INSERT INTO result_templates (hash, body, last_at) VALUES (?, ?, ?)
        ON CONFLICT (hash) DO UPDATE SET last_at = max(last_at, excluded.last_at) RETURNING id, last_at`,
    )
    .get(c.hash, c.template, keepTemplateUntil(at))!;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { id: row.id, lastAt: row.last_at });
  return row.id;
}

/** Forgets what a rolled-back transaction may have cached. */
export function forgetTemplates(conn: Connection): void {
  caches.delete(conn);
}

/** Deletes up to `chunk` templates no result at or after `before` can use; returns how many. */
export function pruneTemplatesChunk(conn: Connection, before: number, chunk: number): number {
  forgetTemplates(conn);
  return conn
    .stmt(
      'DELETE FROM result_templates WHERE id IN (SELECT id FROM result_templates WHERE last_at < ? LIMIT ?)',
    )
    .run(before, chunk).changes;
}
