/**
 * What a registry entry means for monitoring: each streamable-http or sse remote with a plain URL
 * is a server to probe; a remote whose URL has `{variables}` or that needs a header the registry
 * gives no value for needs configuration first (never probed blindly); an entry with packages
 * only (run locally) or deprecated or deleted is skipped, with the reason.
 */
import { httpUrlProblem } from '../config/formats.js';
import type { EraPin } from '../probe/types.js';
import type { RegistryEntry, RegistryRemote, RemoteType } from './api.js';

/** One remote to monitor. */
export interface Candidate {
  registryName: string;
  /** The base name derived from the registry name; names.ts makes it unique. */
  baseName: string;
  url: string;
  transport: RemoteType;
  /** `auto` for streamable-http (it covers the 2025 revisions and the stateless 2026 one), `sse` pinned. */
  era: EraPin;
  /** Headers the registry gives fixed values for. */
  headers: Record<string, string>;
  deprecated: boolean;
}

/** A remote that cannot be probed as listed. */
export interface NeedsConfig {
  registryName: string;
  baseName: string;
  url: string;
  transport: RemoteType;
  /** The URL's `{variables}`. */
  variables: string[];
  /** Headers the user must supply. */
  headers: { name: string; secret: boolean }[];
  /** Fixed headers, kept for the suggested entry. */
  fixedHeaders: Record<string, string>;
}

export type SkipReason = 'packages only' | 'no remotes' | 'deprecated' | 'deleted' | 'invalid remote';

export interface Mapped {
  candidates: Candidate[];
  needsConfig: NeedsConfig[];
  /** Set when nothing of the entry can be monitored. */
  skipped: SkipReason | null;
}

const VARIABLE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `io.github.User/weather-mcp` → `io-github-user-weather-mcp` (the config's [a-z0-9-]+). */
export function baseNameOf(registryName: string): string {
  const name = registryName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'server' : name.slice(0, 120).replace(/-+$/, '');
}

/**
 * `activeOnly`: deprecated entries are skipped (import, and servers new to a sync); otherwise they
 * are kept and marked, so a monitored server that becomes deprecated stays, tagged.
 */
export function mapEntry(e: RegistryEntry, opts: { activeOnly: boolean }): Mapped {
  const none = (skipped: SkipReason): Mapped => ({ candidates: [], needsConfig: [], skipped });
  if (e.status === 'deleted') return none('deleted');
  if (e.status === 'deprecated' && opts.activeOnly) return none('deprecated');
  if (e.remotes.length === 0) return none(e.packages > 0 ? 'packages only' : 'no remotes');
  const baseName = baseNameOf(e.name);
  const candidates: Candidate[] = [];
  const needsConfig: NeedsConfig[] = [];
  // Streamable HTTP first: when an entry lists both, it is the one that gets the plain name.
  const ordered = [...e.remotes].sort((a, b) => rank(a) - rank(b));
  for (const remote of ordered) {
    const m = mapRemote(e, remote, baseName);
    if (m === null) continue;
    if ('variables' in m) needsConfig.push(m);
    else candidates.push(m);
  }
  if (candidates.length === 0 && needsConfig.length === 0) return none('invalid remote');
  return { candidates, needsConfig, skipped: null };
}

const rank = (r: RegistryRemote): number => (r.type === 'streamable-http' ? 0 : 1);

function mapRemote(e: RegistryEntry, r: RegistryRemote, baseName: string): Candidate | NeedsConfig | null {
  const variables = [...new Set([...r.url.matchAll(VARIABLE)].map((m) => m[1]!))];
  const fixed: Record<string, string> = {};
  const missing: { name: string; secret: boolean }[] = [];
  for (const h of r.headers) {
    if (!HEADER_NAME.test(h.name)) return null;
    const templated = h.value !== null && h.value.match(VARIABLE) !== null;
    if (h.value !== null && !templated) {
      if (/[\r\n\0]/.test(h.value)) return null;
      fixed[h.name] = h.value;
    } else if (h.required || templated) missing.push({ name: h.name, secret: h.secret });
  }
  if (variables.length > 0 || missing.length > 0) {
    // Checked with the variables filled in, so that a template that could never be a URL is dropped.
    if (httpUrlProblem(r.url.replace(VARIABLE, 'x')) !== null) return null;
    return {
      registryName: e.name,
      baseName,
      url: r.url,
      transport: r.type,
      variables,
      headers: missing,
      fixedHeaders: fixed,
    };
  }
  if (httpUrlProblem(r.url) !== null || /\s/.test(r.url)) return null;
  return {
    registryName: e.name,
    baseName,
    url: new URL(r.url).href,
    transport: r.type,
    era: r.type === 'sse' ? 'sse' : 'auto',
    headers: fixed,
    deprecated: e.status === 'deprecated',
  };
}

/**
 * Gives names out once each: the base name, then `-sse`/`-http` for an entry's second remote, then
 * `-2`, `-3`, …. `taken` holds the names in use (the config's own servers included).
 */
export class NameAllocator {
  constructor(private readonly taken: Set<string> = new Set()) {}

  allocate(baseName: string, transport: RemoteType, secondRemote: boolean): string {
    const first = secondRemote ? `${baseName}-${transport === 'sse' ? 'sse' : 'http'}` : baseName;
    let name = first;
    for (let i = 2; this.taken.has(name); i++) name = `${first}-${i}`;
    this.taken.add(name);
    return name;
  }

  release(name: string): void {
    this.taken.delete(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }
}
