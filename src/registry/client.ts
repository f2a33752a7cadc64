/**
 * Reads an MCP Registry's server list page by page (`cursor` → `metadata.nextCursor`), latest
 * versions only (`version=latest`), optionally filtered (`search`) or incremental (`updated_since`,
 * which also lists deleted entries). Every request has a deadline and a byte cap, no redirects are
 * followed, and every failure is a RegistryError with a code (errors.ts). Pages are yielded one at a
 * time, so a caller that keeps compact entries holds one raw page in memory at most.
 */
import { request, type Dispatcher } from 'undici';
import { readPage, type RegistryPage } from './api.js';
import { RegistryError } from './errors.js';

export interface RegistryQuery {
  search?: string;
  /** RFC 3339: entries updated at or after it (the registry then includes deleted ones). */
  updatedSince?: string;
}

export interface RegistryClientOptions {
  /** Deadline of one page request, headers and body (default 30 s). */
  timeoutMs?: number;
  /** Byte cap of one page (default 8 MiB). */
  maxPageBytes?: number;
  /** Most entries read in one listing (default 100,000); more is `too_many`. */
  maxEntries?: number;
  /** `limit` of each page (default 100, the official registry's largest). */
  pageSize?: number;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

export const USER_AGENT = 'mcpwatch-registry/0.1';
const DEFAULTS = { timeoutMs: 30_000, maxPageBytes: 8 * 1024 * 1024, maxEntries: 100_000, pageSize: 100 };

/**
 * The list endpoint of a registry given by its base URL (`https://registry.modelcontextprotocol.io`),
 * its API root (`…/v0.1`, `…/v0`) or the list itself (`…/v0.1/servers`).
 */
export function listEndpoint(registry: string): { url: URL; versioned: boolean } {
  let url: URL;
  try {
    url = new URL(registry);
  } catch {
    throw new RegistryError('bad_url', 'the registry must be an absolute http(s) URL', registry);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    throw new RegistryError('bad_url', 'the registry must be an absolute http(s) URL', registry);
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/servers$/.test(path)) return { url, versioned: true };
  if (/\/v0(\.\d+)?$/.test(path)) {
    url.pathname = `${path}/servers`;
    return { url, versioned: true };
  }
  url.pathname = `${path}/v0.1/servers`;
  return { url, versioned: false };
}

/** Every page of the listing, in order. Throws RegistryError; nothing is yielded after a failure. */
export async function* listPages(
  registry: string,
  query: RegistryQuery = {},
  options: RegistryClientOptions = {},
): AsyncGenerator<RegistryPage & { url: string }> {
  const opts = { ...DEFAULTS, ...options };
  const endpoint = listEndpoint(registry);
  let base = endpoint.url;
  const seen = new Set<string>();
  let cursor: string | null = null;
  let entries = 0;
  let first = true;
  for (;;) {
    const url = new URL(base);
    url.searchParams.set('limit', String(opts.pageSize));
    url.searchParams.set('version', 'latest');
    if (query.search) url.searchParams.set('search', query.search);
    if (query.updatedSince) url.searchParams.set('updated_since', query.updatedSince);
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    let page: RegistryPage;
    try {
      page = await fetchPageRetrying(url.href, opts);
    } catch (err) {
      // A registry from before v0.1 (the issue names /v0/servers too): try it once, on the first page.
      if (first && !endpoint.versioned && err instanceof RegistryError && err.status === 404) {
        base = new URL(base.href.replace(/\/v0\.1\/servers$/, '/v0/servers'));
        first = false;
        continue;
      }
      throw err;
    }
    first = false;
    entries += page.entries.length + page.invalid;
    if (entries > opts.maxEntries)
      throw new RegistryError(
        'too_many',
        `the listing has more than ${opts.maxEntries} entries; narrow it with search`,
        url.href,
      );
    yield { ...page, url: url.href };
    if (page.nextCursor === null) return;
    if (seen.has(page.nextCursor))
      throw new RegistryError(
        'too_many',
        'the registry repeated a cursor (the listing never ends)',
        url.href,
      );
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/**
 * A GET is safe to repeat: a connection reset (a keep-alive socket the registry closed as it was
 * reused, a proxy restarting) gets one more try after a short pause; every other failure is final.
 */
async function fetchPageRetrying(url: string, opts: PageOptions): Promise<RegistryPage> {
  try {
    return await fetchPage(url, opts);
  } catch (err) {
    if (!(err instanceof RegistryError) || err.code !== 'unreachable') throw err;
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    if (opts.signal?.aborted) throw new RegistryError('aborted', 'the listing was cancelled', url);
    return fetchPage(url, opts);
  }
}

const RETRY_PAUSE_MS = 250;
type PageOptions = Required<Omit<RegistryClientOptions, 'signal' | 'dispatcher'>> & RegistryClientOptions;

/** One GET of one page: deadline, byte cap, JSON, shape. */
export async function fetchPage(url: string, opts: PageOptions): Promise<RegistryPage> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  let text: string;
  let status: number;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
      signal,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    status = res.statusCode;
    res.body.on('error', () => {}); // destroying it below is how reads stop; that is no error of ours
    if (status !== 200) {
      res.body.destroy();
      throw new RegistryError('http_status', `the registry answered HTTP ${status}`, url, status);
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > opts.maxPageBytes) {
      res.body.destroy();
      throw tooLarge(url, opts.maxPageBytes);
    }
    text = await readCapped(res.body, opts.maxPageBytes, url);
  } catch (err) {
    throw classify(err, url, deadline, opts.signal, opts.timeoutMs);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError(
      'not_json',
      'the registry answered 200 with a body that is not JSON',
      url,
      status,
    );
  }
  return readPage(json, url);
}

async function readCapped(
  body: AsyncIterable<unknown> & { destroy(): void },
  cap: number,
  url: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > cap) {
      body.destroy();
      throw tooLarge(url, cap);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function tooLarge(url: string, cap: number): RegistryError {
  return new RegistryError('too_large', `a page is larger than ${Math.round(cap / 1024)} KiB`, url);
}

function classify(
  err: unknown,
  url: string,
  deadline: AbortSignal,
  caller: AbortSignal | undefined,
  timeoutMs: number,
): RegistryError {
  if (err instanceof RegistryError) return err;
  if (caller?.aborted) return new RegistryError('aborted', 'the listing was cancelled', url);
  if (deadline.aborted) return new RegistryError('timeout', `no complete answer within ${timeoutMs} ms`, url);
  const code = (err as { code?: unknown }).code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new RegistryError('unreachable', `the registry cannot be reached (${detail})`, url);
}
