/** Small helpers shared by the API route files. */
import type { ServerConfig } from '../../config/types.js';
import type { Incident } from '../../engine/types.js';
import { actorOf } from '../auth/guard.js';
import type { TokenRecord } from '../auth/tokens.js';
import { ProblemError, notFound } from '../http/problem.js';
import type { MonitorView, ServerChange } from '../../monitor/monitor-view.js';
import { publicServerConfig, type PublicServerConfig } from '../../monitor/redact.js';

export function requireServer(view: MonitorView, name: string): ServerConfig {
  const server = view.servers().find((s) => s.name === name);
  if (!server) throw notFound(`server "${name}"`);
  return server;
}

export async function requireIncident(view: MonitorView, id: string): Promise<Incident> {
  const incident = await view.store.getIncident(id);
  if (!incident) throw notFound(`incident "${id}"`);
  return incident;
}

export function actor(token: TokenRecord | null): string {
  return token ? actorOf(token) : 'anonymous';
}

/** Opaque keyset cursor: the id to continue below. */
export function encodeCursor(id: number): string {
  return Buffer.from(`r${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^r(\d{1,15})$/.exec(text);
  if (!match) throw new ProblemError('validation', 'querystring/cursor is not a cursor this API returned');
  return Number(match[1]);
}

/** Turns a ServerChange into the API answer, or the matching problem. */
export function changed(result: ServerChange, name: string): PublicServerConfig {
  if (result.ok) return publicServerConfig(result.server);
  switch (result.reason) {
    case 'not_found':
      throw notFound(`server "${name}"`);
    case 'conflict':
      throw new ProblemError('conflict', result.message);
    case 'invalid':
      throw new ProblemError(
        'validation',
        result.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ') ||
          'invalid server',
        { extensions: { problems: result.problems } },
      );
  }
}

/** Query booleans arrive as strings when the schema allows both; accept the usual spellings. */
export function flag(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  return value === true || value === 'true' || value === '1';
}
