/**
 * The MCP Registry's list answer (`GET /v0.1/servers`, the registry repository's
 * docs/reference/api/openapi.yaml, version 2025-12-01) read into compact entries: only what
 * monitoring needs is kept, so 20,000 of them stay small. A page that is not that shape is a
 * RegistryError (`bad_shape`); one malformed entry inside a good page is counted and left out.
 */
import { RegistryError } from './errors.js';

export type RegistryStatus = 'active' | 'deprecated' | 'deleted';
export type RemoteType = 'streamable-http' | 'sse';

/** A header of a remote (`KeyValueInput`): a fixed value, a template, or one the user supplies. */
export interface RegistryHeader {
  name: string;
  value: string | null;
  required: boolean;
  secret: boolean;
}

export interface RegistryRemote {
  type: RemoteType;
  /** May hold `{variables}` (RemoteTransport.variables). */
  url: string;
  headers: RegistryHeader[];
}

export interface RegistryEntry {
  /** Reverse-DNS name, e.g. io.github.user/weather. */
  name: string;
  version: string;
  status: RegistryStatus;
  statusMessage: string | null;
  isLatest: boolean;
  /** `_meta…official.updatedAt` (RFC 3339), the mark of incremental syncs. */
  updatedAt: string | null;
  remotes: RegistryRemote[];
  /** Remotes of a type other than streamable-http/sse (left out). */
  otherRemotes: number;
  packages: number;
}

export interface RegistryPage {
  entries: RegistryEntry[];
  /** Entries that were not objects with a `server.name` (left out). */
  invalid: number;
  /** null or "" in the answer: the last page. */
  nextCursor: string | null;
}

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const STATUSES: ReadonlySet<string> = new Set(['active', 'deprecated', 'deleted']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Reads one parsed page; throws RegistryError('bad_shape') when it is not a ServerList. */
export function readPage(json: unknown, url: string): RegistryPage {
  if (!isObj(json) || !Array.isArray(json['servers']))
    throw new RegistryError('bad_shape', 'the answer is JSON but has no `servers` list', url);
  const metadata = json['metadata'];
  if (metadata !== undefined && metadata !== null && !isObj(metadata))
    throw new RegistryError('bad_shape', '`metadata` is not an object', url);
  const cursor = isObj(metadata) ? metadata['nextCursor'] : undefined;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string')
    throw new RegistryError('bad_shape', '`metadata.nextCursor` is not a string', url);
  const entries: RegistryEntry[] = [];
  let invalid = 0;
  for (const item of json['servers'] as unknown[]) {
    const entry = readEntry(item);
    if (entry) entries.push(entry);
    else invalid++;
  }
  return { entries, invalid, nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null };
}

function readEntry(item: unknown): RegistryEntry | null {
  if (!isObj(item) || !isObj(item['server'])) return null;
  const server = item['server'];
  const name = str(server['name']);
  if (name === null || name.length === 0 || name.length > 200) return null;
  const meta = isObj(item['_meta']) ? item['_meta'][OFFICIAL] : undefined;
  const official = isObj(meta) ? meta : {};
  const status = str(official['status']);
  const remotes: RegistryRemote[] = [];
  let otherRemotes = 0;
  for (const r of Array.isArray(server['remotes']) ? (server['remotes'] as unknown[]) : []) {
    const remote = readRemote(r);
    if (remote) remotes.push(remote);
    else otherRemotes++;
  }
  return {
    name,
    version: str(server['version']) ?? '',
    status: status !== null && STATUSES.has(status) ? (status as RegistryStatus) : 'active',
    statusMessage: str(official['statusMessage'])?.slice(0, 500) ?? null,
    isLatest: official['isLatest'] !== false,
    updatedAt: str(official['updatedAt']),
    remotes,
    otherRemotes,
    packages: Array.isArray(server['packages']) ? server['packages'].length : 0,
  };
}

function readRemote(r: unknown): RegistryRemote | null {
  if (!isObj(r)) return null;
  const type = r['type'];
  const url = str(r['url']);
  if ((type !== 'streamable-http' && type !== 'sse') || url === null || url.length > 2048) return null;
  const headers: RegistryHeader[] = [];
  for (const h of Array.isArray(r['headers']) ? (r['headers'] as unknown[]) : []) {
    if (!isObj(h) || typeof h['name'] !== 'string') continue;
    headers.push({
      name: h['name'],
      value: str(h['value']),
      required: h['isRequired'] === true,
      secret: h['isSecret'] === true,
    });
  }
  return { type, url, headers };
}
