/**
 * A loopback MCP Registry answering `GET /v0.1/servers` in the shape of the registry's
 * docs/reference/api/openapi.yaml (2025-12-01): ServerList { servers: ServerResponse[], metadata:
 * { nextCursor, count } }, with cursor pages, `limit`, `search` (substring of the name),
 * `version=latest`, `updated_since` (which includes deleted entries) and `include_deleted`.
 * `mode` turns it into a broken registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Remote {
  type: 'streamable-http' | 'sse';
  url: string;
  headers?: {
    name: string;
    description?: string;
    isRequired?: boolean;
    isSecret?: boolean;
    value?: string;
  }[];
  variables?: Record<string, { description?: string; isRequired?: boolean; default?: string }>;
}

export interface Listed {
  name: string;
  version?: string;
  description?: string;
  status?: 'active' | 'deprecated' | 'deleted';
  statusMessage?: string;
  isLatest?: boolean;
  updatedAt?: string;
  remotes?: Remote[];
  packages?: { registryType: string; identifier: string; version: string; transport: { type: 'stdio' } }[];
}

export type Mode =
  'ok' | 'down' | 'http500' | 'not_json' | 'bad_shape' | 'oversized' | 'slow' | 'cursor_loop' | 'v0_only';

export interface FakeRegistry {
  url: string;
  entries: Listed[];
  mode: Mode;
  /** The query of every list request, in order. */
  requests: URLSearchParams[];
  paths: string[];
  close(): Promise<void>;
}

/** The ServerResponse of one listed version, as the registry sends it. */
export function serverResponse(e: Listed): Record<string, unknown> {
  const server: Record<string, unknown> = {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: e.name,
    description: e.description ?? `The ${e.name} server`,
    version: e.version ?? '1.0.0',
    repository: { url: `https://github.com/example/${e.name.split('/')[1] ?? 'x'}`, source: 'github' },
  };
  if (e.remotes) server['remotes'] = e.remotes;
  if (e.packages) server['packages'] = e.packages;
  const official: Record<string, unknown> = {
    status: e.status ?? 'active',
    publishedAt: '2025-09-01T10:00:00Z',
    updatedAt: e.updatedAt ?? '2025-09-01T10:00:00Z',
    isLatest: e.isLatest ?? true,
  };
  if (e.statusMessage) official['statusMessage'] = e.statusMessage;
  return { server, _meta: { 'io.modelcontextprotocol.registry/official': official } };
}

export async function startRegistry(
  entries: Listed[],
  opts: { pageSize?: number } = {},
): Promise<FakeRegistry> {
  const reg: Omit<FakeRegistry, 'url' | 'close'> = { entries, mode: 'ok', requests: [], paths: [] };
  const server: Server = createServer((req, res) =>
    answer(reg as FakeRegistry, req, res, opts.pageSize ?? 30),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(reg, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function answer(reg: FakeRegistry, req: IncomingMessage, res: ServerResponse, defaultPage: number): void {
  const url = new URL(req.url ?? '/', 'http://registry');
  reg.paths.push(url.pathname);
  const listPath = reg.mode === 'v0_only' ? '/v0/servers' : '/v0.1/servers';
  if (req.method !== 'GET' || url.pathname !== listPath) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
    return;
  }
  const q = url.searchParams;
  reg.requests.push(q);
  switch (reg.mode) {
    case 'down':
      req.socket.destroy();
      return;
    case 'http500':
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"Internal Server Error"}');
      return;
    case 'not_json':
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>Registry maintenance</body></html>');
      return;
    case 'bad_shape':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"next":null}');
      return;
    case 'oversized': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const filler = JSON.stringify({ server: { name: 'x/y', description: 'z'.repeat(1000) } });
      res.write('{"servers":[');
      // 12 MiB, without a content-length: the cap must stop the read, not the header.
      for (let i = 0; i < 12_000; i++) res.write(i === 0 ? filler : `,${filler}`);
      res.end(']}');
      return;
    }
    case 'slow':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"servers":[');
      return; // never finishes
    default:
  }
  const limit = Math.min(Number(q.get('limit') ?? defaultPage) || defaultPage, 100);
  const since = q.get('updated_since');
  const includeDeleted = since !== null || q.get('include_deleted') === 'true';
  const search = q.get('search');
  const latest = q.get('version') === 'latest';
  const matching = sortedEntries(reg).filter(
    (e) =>
      (!latest || (e.isLatest ?? true)) &&
      (includeDeleted || (e.status ?? 'active') !== 'deleted') &&
      (search === null || e.name.includes(search)) &&
      (since === null || (e.updatedAt ?? '2025-09-01T10:00:00Z') > since),
  );
  const cursor = q.get('cursor');
  const start = cursor === null ? 0 : firstAfter(matching, cursor);
  const page = start < 0 ? [] : matching.slice(start, start + limit);
  const more = start >= 0 && start + limit < matching.length;
  const nextCursor = reg.mode === 'cursor_loop' ? 'same' : more ? page[page.length - 1]!.name : undefined;
  const body = {
    servers: page.map(serverResponse),
    metadata: { count: page.length, ...(nextCursor ? { nextCursor } : {}) },
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The entries in name order, sorted again only when the list is replaced or grows or shrinks. */
const sortedCache = new WeakMap<Listed[], { length: number; sorted: Listed[] }>();
function sortedEntries(reg: FakeRegistry): Listed[] {
  const cached = sortedCache.get(reg.entries);
  if (cached && cached.length === reg.entries.length) return cached.sorted;
  const sorted = [...reg.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sortedCache.set(reg.entries, { length: reg.entries.length, sorted });
  return sorted;
}

/** The index of the first entry named after `cursor` (binary search), or -1. */
function firstAfter(sorted: Listed[], cursor: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.name > cursor) hi = mid;
    else lo = mid + 1;
  }
  return lo < sorted.length ? lo : -1;
}
