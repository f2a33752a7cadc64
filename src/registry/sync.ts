/**
 * One registry source kept in step with the monitor. Each run reads the registry — the whole
 * listing the first time and once a day, otherwise only what changed (`updated_since`, which also
 * lists deleted entries) — folds it into the entries it knows, plans the servers (plan.ts: merged
 * by URL, names kept) and hands the difference to the target: servers added, changed (a deprecated
 * tag) and removed. A registry that is down or answers garbage changes nothing: the error is the
 * run's outcome and the list stays as it is. What it knows is kept in the store's meta table, so a
 * restart restores the same servers without asking the registry.
 */
import type { RawServer } from '../config/raw.js';
import type { SourceConfig } from '../config/types.js';
import type { RegistryEntry } from './api.js';
import type { SkipReason } from './candidates.js';
import { listPages, type RegistryClientOptions } from './client.js';
import { RegistryError } from './errors.js';
import { serverEntry } from './import.js';
import { Planner, type PlannedServer } from './plan.js';

export const SOURCE_META_PREFIX = 'source:';
/** A full listing at least this often; incremental runs in between. */
export const FULL_EVERY_MS = 86_400_000;

export const sourceTag = (source: string): string => `source:${source}`;

/** What the sync needs of the store (its meta table). */
export interface SourceStore {
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string | null): Promise<void>;
}

/** Where the planned servers go (the running monitor). */
export interface SourceTarget {
  /** Every server monitored now (this source's included): name and URL. */
  servers(): { name: string; url: string }[];
  /** `by` names the source (incident timelines of removed servers say who removed them). */
  apply(change: { upsert: RawServer[]; remove: string[]; by: string }): Promise<void>;
}

interface SavedState {
  registry: string;
  search: string | null;
  /** The latest `updatedAt` seen: the next incremental run asks for what changed since. */
  since: string | null;
  fullAt: number | null;
  entries: RegistryEntry[];
  servers: PlannedServer[];
}

export type SyncOutcome =
  | {
      ok: true;
      kind: 'full' | 'incremental';
      /** Registry entries read in this run. */
      read: number;
      added: string[];
      removed: string[];
      /** Servers whose entry changed (deprecated, era, headers, registry names). */
      changed: string[];
      /** Servers now marked deprecated. */
      deprecated: string[];
      servers: number;
      needsConfig: number;
      merged: number;
      skipped: Partial<Record<SkipReason, number>>;
    }
  | { ok: false; error: RegistryError };

export class SourceSync {
  private state: SavedState | null = null;

  constructor(
    readonly source: SourceConfig,
    private readonly store: SourceStore,
    private readonly opts: { now: () => number; client?: RegistryClientOptions } = { now: Date.now },
  ) {}

  get key(): string {
    return SOURCE_META_PREFIX + this.source.name;
  }

  /** The servers this source monitored when it was last saved, as config entries. */
  async load(): Promise<RawServer[]> {
    const text = await this.store.getMeta(this.key);
    this.state = text === null ? null : (JSON.parse(text) as SavedState);
    return (this.state?.servers ?? []).map((s) => this.entryOf(s));
  }

  /** The names this source monitors. */
  owned(): Set<string> {
    return new Set((this.state?.servers ?? []).map((s) => s.name));
  }

  async run(target: SourceTarget): Promise<SyncOutcome> {
    const now = this.opts.now();
    const prev = this.state;
    const sameListing =
      prev !== null && prev.registry === this.source.registry && prev.search === this.source.search;
    const full =
      !sameListing || prev.fullAt === null || prev.since === null || now - prev.fullAt >= FULL_EVERY_MS;
    const known = new Map<string, RegistryEntry>(full ? [] : prev!.entries.map((e) => [e.name, e]));
    let since = full ? null : prev!.since;
    let read = 0;
    try {
      const query = {
        ...(this.source.search ? { search: this.source.search } : {}),
        ...(full ? {} : { updatedSince: since! }),
      };
      // Read everything first: a listing that fails half-way changes nothing.
      const delta: RegistryEntry[] = [];
      for await (const page of listPages(this.source.registry, query, this.opts.client))
        delta.push(...page.entries);
      read = delta.length;
      for (const e of delta) {
        // Compared as instants: RFC 3339 texts of different precision do not sort as strings.
        if (
          e.updatedAt !== null &&
          Date.parse(e.updatedAt) > (since === null ? -Infinity : Date.parse(since))
        )
          since = e.updatedAt;
        if (!e.isLatest) continue;
        if (e.status === 'deleted') known.delete(e.name);
        else known.set(e.name, e);
      }
    } catch (err) {
      if (err instanceof RegistryError) return { ok: false, error: err };
      throw err;
    }

    const before = new Map((prev?.servers ?? []).map((s) => [s.name, s]));
    const others = target.servers().filter((s) => !before.has(s.name));
    const planner = new Planner({
      taken: others.map((s) => s.name),
      existing: new Map([...before.values()].map((s) => [s.url, s.name])),
      foreignUrls: new Set(others.map((s) => normalUrl(s.url))),
    });
    const entries = [...known.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) planner.add(e);
    const plan = planner.result();

    const after = new Map(plan.servers.map((s) => [s.name, s]));
    const added: string[] = [];
    const changed: string[] = [];
    const deprecated: string[] = [];
    const upsert: RawServer[] = [];
    for (const s of plan.servers) {
      const old = before.get(s.name);
      if (old && JSON.stringify(old) === JSON.stringify(s)) continue;
      (old ? changed : added).push(s.name);
      if (s.deprecated && !old?.deprecated) deprecated.push(s.name);
      upsert.push(this.entryOf(s));
    }
    const removed = [...before.keys()].filter((n) => !after.has(n));
    if (upsert.length > 0 || removed.length > 0)
      await target.apply({ upsert, remove: removed, by: `registry source ${this.source.name}` });

    this.state = {
      registry: this.source.registry,
      search: this.source.search,
      since,
      fullAt: full ? now : prev!.fullAt,
      entries,
      servers: plan.servers,
    };
    await this.store.setMeta(this.key, JSON.stringify(this.state));
    return {
      ok: true,
      kind: full ? 'full' : 'incremental',
      read,
      added,
      removed,
      changed,
      deprecated,
      servers: plan.servers.length,
      needsConfig: plan.needsConfig.length,
      merged: plan.merged,
      skipped: plan.skipped,
    };
  }

  private entryOf(s: PlannedServer): RawServer {
    return serverEntry(s, [sourceTag(this.source.name)]);
  }
}

function normalUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
