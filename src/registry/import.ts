/**
 * `mcpwatch import`: a registry listing → `servers:` entries of the config file, the remotes that
 * need configuration as commented-out entries to complete, and counts of what was left out.
 */
import { stringify } from 'yaml';
import type { RawServer } from '../config/raw.js';
import type { SkipReason } from './candidates.js';
import { listPages, type RegistryClientOptions } from './client.js';
import { Planner, type Plan, type PlannedNeedsConfig, type PlannedServer } from './plan.js';

/** Tags every registry server carries: `registry`, and `registry:NAME` per registry entry. */
export const REGISTRY_TAG = 'registry';
export const registryTag = (registryName: string): string => `registry:${registryName}`;
export const DEPRECATED_TAG = 'deprecated';

export interface ImportOptions extends RegistryClientOptions {
  search?: string;
  /** Most servers imported. */
  limit?: number;
}

export interface ImportResult {
  plan: Plan;
  pages: number;
  /** Registry entries read (latest versions). */
  entries: number;
  /** Entries that were not server objects. */
  invalid: number;
}

export async function importFromRegistry(registry: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const planner = new Planner(opts.limit === undefined ? {} : { limit: opts.limit });
  let pages = 0;
  let entries = 0;
  let invalid = 0;
  for await (const page of listPages(registry, opts.search ? { search: opts.search } : {}, opts)) {
    pages++;
    invalid += page.invalid;
    for (const e of page.entries) {
      entries++;
      planner.add(e);
    }
    if (planner.full) break;
  }
  return { plan: planner.result(), pages, entries, invalid };
}

/** The config entry of a planned server (as the file and the API take it). */
export function serverEntry(s: PlannedServer, extraTags: string[] = []): RawServer {
  const entry: RawServer = { name: s.name, url: s.url };
  if (s.era !== 'auto') entry.era = s.era;
  if (Object.keys(s.headers).length > 0) entry.headers = { ...s.headers };
  entry.tags = [
    REGISTRY_TAG,
    ...s.registryNames.map(registryTag),
    ...(s.deprecated ? [DEPRECATED_TAG] : []),
    ...extraTags,
  ];
  return entry;
}

/** The entry a user completes: the URL as a template, `${ENV}` placeholders for missing headers. */
export function needsConfigEntry(n: PlannedNeedsConfig): RawServer {
  const entry: RawServer = { name: n.name, url: n.url };
  if (n.transport === 'sse') entry.era = 'sse';
  const headers: Record<string, string> = { ...n.fixedHeaders, ...placeholders(n) };
  if (Object.keys(headers).length > 0) entry.headers = headers;
  entry.tags = [REGISTRY_TAG, registryTag(n.registryName)];
  return entry;
}

/** What a needs-configuration remote is missing, in words. */
export function missingOf(n: PlannedNeedsConfig): string {
  return [
    ...n.variables.map((v) => `url variable {${v}}`),
    ...n.headers.map((h) => `${h.secret ? 'secret ' : ''}header ${h.name}`),
  ].join(', ');
}

function placeholders(n: PlannedNeedsConfig): Record<string, string> {
  return Object.fromEntries(n.headers.map((h) => [h.name, `\${${envName(n.name, h.name)}}`]));
}

const envName = (server: string, header: string): string =>
  `${server}_${header}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/**
 * Text from the registry is written so that the config loader reads it back verbatim: `${` would be
 * an environment substitution there (a registry must not be able to read the monitor's environment
 * into a URL or header), so it is written `$${`.
 */
function literal<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('${', () => '$${') as T;
  if (Array.isArray(value)) return value.map(literal) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) as T;
  return value;
}

export function importYaml(
  result: ImportResult,
  header: { registry: string; search?: string; at: string },
): string {
  const { plan } = result;
  const lines = [
    `# Imported by mcpwatch import from ${oneLine(header.registry)}${header.search ? ` (search "${oneLine(header.search)}")` : ''} at ${header.at}`,
    `# ${summary(result)}`,
  ];
  const servers = plan.servers.map((s) => literal(serverEntry(s)));
  lines.push(stringify({ servers }, { lineWidth: 0 }).trimEnd());
  if (plan.needsConfig.length > 0) {
    lines.push(
      '',
      '# These remotes need configuration before they can be monitored: fill in the {variables} and',
      '# the headers (from the environment), then move them into `servers:` above.',
    );
    for (const n of plan.needsConfig) {
      const entry: RawServer = literal({ ...needsConfigEntry(n), headers: {} });
      // The ${ENV} placeholders of the missing headers are ours; the rest came from the registry.
      const headers = { ...literal(n.fixedHeaders), ...placeholders(n) };
      if (Object.keys(headers).length > 0) entry.headers = headers;
      else delete entry.headers;
      const text = stringify([entry], { lineWidth: 0 });
      lines.push(
        `# needs ${oneLine(missingOf(n))}`,
        ...text
          .trimEnd()
          .split('\n')
          .map((l) => `#   ${l}`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function summary(result: ImportResult): string {
  const { plan } = result;
  const skipped = Object.entries(plan.skipped) as [SkipReason, number][];
  const parts = [
    `${plan.servers.length} server${plan.servers.length === 1 ? '' : 's'} to monitor from ${result.entries} registry entries (${result.pages} page${result.pages === 1 ? '' : 's'})`,
    `${plan.needsConfig.length} need configuration`,
  ];
  if (plan.merged > 0) parts.push(`${plan.merged} merged (same URL)`);
  if (skipped.length > 0) parts.push(`skipped: ${skipped.map(([r, n]) => `${n} ${r}`).join(', ')}`);
  if (result.invalid > 0) parts.push(`${result.invalid} malformed entries left out`);
  if (plan.overLimit > 0) parts.push(`${plan.overLimit} over the limit`);
  return parts.join('; ');
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
