/**
 * Whether the SQLite store still works, checked for real: the file at the configured path must be the
 * one that was opened (same device and inode: a deleted or replaced file means every write goes to an
 * inode nobody can open again), and a small write must commit (read-only files, a full disk or an I/O
 * error make it fail).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StoreHealth } from '../store.js';
import type { Connection } from './connection.js';
import { setMeta } from './meta.js';

export const HEALTH_KEY = 'store.health';

export interface FileIdentity {
  path: string;
  dev: number;
  ino: number;
}

/** The identity of a store file, or null for in-memory and URI stores. */
export function identityOf(path: string): FileIdentity | null {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return null;
  const abs = resolve(path);
  const st = statSync(abs);
  return { path: abs, dev: st.dev, ino: st.ino };
}

export function checkHealth(conn: Connection, identity: FileIdentity | null, now: number): StoreHealth {
  if (identity) {
    let st: { dev: number; ino: number } | null = null;
    try {
      st = statSync(identity.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return failing(
          `the SQLite file ${identity.path} was deleted while mcpwatch runs: what is written now is lost when it stops. Restore the file from a backup (or move it back) and restart`,
        );
      return failing(`cannot check the SQLite file ${identity.path} (${code ?? (err as Error).message})`);
    }
    if (st.dev !== identity.dev || st.ino !== identity.ino)
      return failing(
        `the SQLite file ${identity.path} was replaced by another file while mcpwatch runs: it still writes to the old one. Restart to use the new file`,
      );
  }
  try {
    conn.write(() => setMeta(conn, HEALTH_KEY, String(now)));
  } catch (err) {
    const code = (err as { code?: string }).code;
    return failing(
      `writes to the SQLite store fail${identity ? ` (${identity.path})` : ''}: ${(err as Error).message}${code ? ` (${code})` : ''}`,
    );
  }
  return { ok: true, reason: null };
}

const failing = (reason: string): StoreHealth => ({ ok: false, reason });
