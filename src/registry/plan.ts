/**
 * Registry entries → the servers to monitor: one per distinct remote URL (entries that list the
 * same URL are merged into one server carrying every registry name), named once and for good.
 * Import runs it over a fresh listing; a source's sync runs it over everything it knows, keeping
 * the names of the servers it already monitors.
 */
import type { EraPin } from '../probe/types.js';
import type { RegistryEntry, RemoteType } from './api.js';
import { mapEntry, NameAllocator, type NeedsConfig, type SkipReason } from './candidates.js';

export interface PlannedServer {
  name: string;
  url: string;
  transport: RemoteType;
  era: EraPin;
  headers: Record<string, string>;
  /** Every registry entry that lists this URL, first one first. */
  registryNames: string[];
  /** Every entry listing it is deprecated. */
  deprecated: boolean;
}

export interface PlannedNeedsConfig extends NeedsConfig {
  /** A free name for the entry the user completes. */
  name: string;
}

export interface Plan {
  servers: PlannedServer[];
  needsConfig: PlannedNeedsConfig[];
  skipped: Partial<Record<SkipReason, number>>;
  /** Remotes folded into a server of the same URL. */
  merged: number;
  /** Servers left out by `limit`. */
  overLimit: number;
}

export interface PlanOptions {
  /** Names in use by servers the plan must not touch (the config's own, the API's). */
  taken?: Iterable<string>;
  /** URL → name of servers this plan monitored before: they keep their names, and being deprecated does not drop them. */
  existing?: ReadonlyMap<string, string>;
  /** URLs monitored by someone else (the config's own servers): never planned twice. */
  foreignUrls?: ReadonlySet<string>;
  /** Most servers planned. */
  limit?: number;
}

export class Planner {
  private readonly names: NameAllocator;
  private readonly byUrl = new Map<string, PlannedServer>();
  private readonly needs: PlannedNeedsConfig[] = [];
  private readonly needsSeen = new Set<string>();
  private readonly skipped: Partial<Record<SkipReason, number>> = {};
  private merged = 0;
  private overLimit = 0;

  constructor(private readonly opts: PlanOptions = {}) {
    this.names = new NameAllocator(new Set([...(opts.taken ?? []), ...(opts.existing?.values() ?? [])]));
  }

  /** Whether `limit` servers are planned (a listing can stop there). */
  get full(): boolean {
    return this.opts.limit !== undefined && this.byUrl.size >= this.opts.limit;
  }

  add(entry: RegistryEntry): void {
    const mapped = mapEntry(entry, { activeOnly: false });
    if (mapped.skipped) return this.skip(mapped.skipped);
    const known = (url: string) => this.byUrl.has(url) || this.opts.existing?.has(url) === true;
    // New servers come from active entries only; a known one stays (marked) when its entry is deprecated.
    if (entry.status === 'deprecated' && !mapped.candidates.some((c) => known(c.url)))
      return this.skip('deprecated');
    let planned = 0;
    for (const c of mapped.candidates) {
      const same = this.byUrl.get(c.url);
      if (same) {
        if (!same.registryNames.includes(c.registryName)) same.registryNames.push(c.registryName);
        same.deprecated &&= c.deprecated;
        this.merged++;
        planned++;
        continue;
      }
      const existing = this.opts.existing?.get(c.url);
      if (this.opts.foreignUrls?.has(c.url)) {
        this.merged++;
        planned++;
        continue;
      }
      if (c.deprecated && existing === undefined) continue;
      if (existing === undefined && this.full) {
        this.overLimit++;
        planned++;
        continue;
      }
      const name = existing ?? this.names.allocate(c.baseName, c.transport, planned > 0);
      this.byUrl.set(c.url, {
        name,
        url: c.url,
        transport: c.transport,
        era: c.era,
        headers: c.headers,
        registryNames: [c.registryName],
        deprecated: c.deprecated,
      });
      planned++;
    }
    if (entry.status === 'deprecated') return;
    for (const n of mapped.needsConfig) {
      const key = `${n.url}\n${n.headers.map((h) => h.name).join(',')}`;
      if (this.needsSeen.has(key)) continue;
      this.needsSeen.add(key);
      this.needs.push({ ...n, name: this.names.allocate(n.baseName, n.transport, planned > 0) });
      planned++;
    }
  }

  result(): Plan {
    return {
      servers: [...this.byUrl.values()],
      needsConfig: this.needs,
      skipped: { ...this.skipped },
      merged: this.merged,
      overLimit: this.overLimit,
    };
  }

  private skip(reason: SkipReason): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }
}
