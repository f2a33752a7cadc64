/** Tool surfaces: a new row only when a server's fingerprint differs from its latest one. */
import type { ToolSurface } from '../store.js';
import type { ToolDefinition } from '../../probe/types.js';
import { fromJson, toJson, type Connection } from './connection.js';

interface SurfaceRow {
  id: number;
  server: string;
  fingerprint: string;
  server_version: string | null;
  first_seen_at: number;
  tools?: string;
}

const HEAD = 'SELECT id, server, fingerprint, server_version, first_seen_at FROM tool_surfaces';

function toHead(r: SurfaceRow): Omit<ToolSurface, 'tools'> {
  return {
    id: r.id,
    server: r.server,
    fingerprint: r.fingerprint,
    serverVersion: r.server_version,
    firstSeenAt: r.first_seen_at,
  };
}

function toSurface(r: SurfaceRow): ToolSurface {
  return { ...toHead(r), tools: fromJson<ToolDefinition[]>(r.tools) };
}

export function saveToolSurface(
  conn: Connection,
  server: string,
  fingerprint: string,
  serverVersion: string | null,
  tools: readonly ToolDefinition[],
  at: number,
): { surface: ToolSurface; changed: boolean } {
  return conn.write(() => {
    const latest = conn
      .stmt<SurfaceRow>('SELECT * FROM tool_surfaces WHERE server = ? ORDER BY id DESC LIMIT 1')
      .get(server);
    if (latest && latest.fingerprint === fingerprint) return { surface: toSurface(latest), changed: false };
    const id = conn
      .stmt(
        `INSERT INTO tool_surfaces (server, fingerprint, server_version, first_seen_at, tools)
          VALUES (?, ?, ?, ?, ?)`,
      )
      .run(server, fingerprint, serverVersion, at, toJson(tools)).lastInsertRowid;
    const surface: ToolSurface = {
      id: Number(id),
      server,
      fingerprint,
      serverVersion,
      firstSeenAt: at,
      tools: fromJson<ToolDefinition[]>(toJson(tools)),
    };
    return { surface, changed: true };
  });
}

/** Newest first. */
export function listToolSurfaces(
  conn: Connection,
  server: string,
  limit = 100,
): Omit<ToolSurface, 'tools'>[] {
  return conn
    .stmt<SurfaceRow>(`${HEAD} WHERE server = ? ORDER BY id DESC LIMIT ?`)
    .all(server, limit)
    .map(toHead);
}

export function getToolSurface(conn: Connection, id: number): ToolSurface | null {
  const r = conn.stmt<SurfaceRow>('SELECT * FROM tool_surfaces WHERE id = ?').get(id);
  return r ? toSurface(r) : null;
}
