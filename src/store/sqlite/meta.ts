/** A small key-value table for settings and tokens. */
import type { Connection } from './connection.js';

export function getMeta(conn: Connection, key: string): string | null {
  return conn.stmt<{ value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value ?? null;
}

/** Sets a value; null deletes the key. */
export function setMeta(conn: Connection, key: string, value: string | null): void {
  if (value === null) {
    conn.stmt('DELETE FROM meta WHERE key = ?').run(key);
    return;
  }
  conn
    .stmt(
      `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(key, value, Date.now());
}

export function listMeta(conn: Connection, prefix: string): { key: string; value: string }[] {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  return conn
    .stmt<{ key: string; value: string }>(
      "SELECT key, value FROM meta WHERE key LIKE ? ESCAPE '\\' ORDER BY key",
    )
    .all(`${escaped}%`);
}
