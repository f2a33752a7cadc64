/**
 * Servers and maintenance windows changed through the API, followed by every instance that shares
 * the store. The API writes each change to the meta table (`api:server:NAME`: the server's entry or
 * `{"removed":true}`; `api:maintenance:ID`: the window, deleted when cancelled); when the store is
 * shared (the monitor has a LeaseKeeper), each instance reads both prefixes every `cluster.heartbeat`,
 * compares the texts with the ones it saw last (first: the ones it loaded at start; then: its own
 * writes too, so it does not apply its own change again) and applies what changed through the
 * monitor's runtime path. A server removed elsewhere is removed quietly: the instance that took the
 * call resolved its incidents and queued the resolve already. The next lease heartbeat names the new
 * servers, so exactly one instance claims each.
 *
 * A stored text that does not parse is a logged problem and skipped (once per text), never a crash.
 */
import { parseServerEntry } from '../config/index.js';
import type { RawServer } from '../config/raw.js';
import type { Config, ServerConfig } from '../config/types.js';
import type { MaintenanceWindow } from '../engine/types.js';
import { realClock, type Clock, type TimerHandle } from '../scheduler/index.js';
import type { Store } from '../store/store.js';
import { isTransientStoreError } from '../store/transient.js';
import type { Logger } from '../util/logger.js';
import type { Monitor } from './monitor.js';

export const API_SERVER_PREFIX = 'api:server:';
export const API_MAINTENANCE_PREFIX = 'api:maintenance:';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export type StoredServer = { removed: true } | { removed: false; raw: RawServer };

function parseJson(text: string): Parsed<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, problem: 'not a JSON object' };
  return { ok: true, value: v as Record<string, unknown> };
}

/** An `api:server:NAME` text: the server's entry (validated later, against the config) or a removal. */
export function parseStoredServer(text: string): Parsed<StoredServer> {
  const p = parseJson(text);
  if (!p.ok) return p;
  if (p.value['removed'] === true) return { ok: true, value: { removed: true } };
  return { ok: true, value: { removed: false, raw: p.value as unknown as RawServer } };
}

/** An `api:maintenance:ID` text, checked field by field (the id is the key's). */
export function parseStoredWindow(id: string, text: string): Parsed<MaintenanceWindow> {
  const p = parseJson(text);
  if (!p.ok) return p;
  const { servers, start, end, title, excludeFromSlo } = p.value;
  const names = servers === 'all' || (Array.isArray(servers) && servers.every((s) => typeof s === 'string'));
  if (!names) return { ok: false, problem: 'servers is neither "all" nor a list of names' };
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !(end > start))
    return { ok: false, problem: 'start and end are not times with end after start' };
  if (title !== undefined && typeof title !== 'string') return { ok: false, problem: 'title is not text' };
  if (excludeFromSlo !== undefined && typeof excludeFromSlo !== 'boolean')
    return { ok: false, problem: 'excludeFromSlo is not true or false' };
  return {
    ok: true,
    value: {
      id,
      servers: servers as MaintenanceWindow['servers'],
      start,
      end,
      ...(title !== undefined && { title }),
      excludeFromSlo: excludeFromSlo ?? true,
    },
  };
}

export type ApiChange =
  | { type: 'server'; name: string; raw: RawServer }
  | { type: 'server_removed'; name: string }
  | { type: 'maintenance'; window: MaintenanceWindow }
  | { type: 'maintenance_removed'; id: string }
  | { type: 'problem'; key: string; problem: string };

export interface MetaEntry {
  key: string;
  value: string;
}

/**
 * What changed between the texts seen last and the stored ones, by key. A server key that
 * disappears changes nothing (mcpwatch never deletes one; a removal is `{"removed":true}`); a
 * maintenance key that disappears is a cancelled window.
 */
export function diffApiChanges(seen: ReadonlyMap<string, string>, stored: readonly MetaEntry[]): ApiChange[] {
  const changes: ApiChange[] = [];
  const present = new Set<string>();
  for (const { key, value } of stored) {
    present.add(key);
    if (seen.get(key) === value) continue;
    if (key.startsWith(API_SERVER_PREFIX)) {
      const name = key.slice(API_SERVER_PREFIX.length);
      const p = parseStoredServer(value);
      if (!p.ok) changes.push({ type: 'problem', key, problem: p.problem });
      else if (p.value.removed) changes.push({ type: 'server_removed', name });
      else changes.push({ type: 'server', name, raw: p.value.raw });
    } else if (key.startsWith(API_MAINTENANCE_PREFIX)) {
      const p = parseStoredWindow(key.slice(API_MAINTENANCE_PREFIX.length), value);
      changes.push(
        p.ok ? { type: 'maintenance', window: p.value } : { type: 'problem', key, problem: p.problem },
      );
    }
  }
  for (const key of seen.keys())
    if (!present.has(key) && key.startsWith(API_MAINTENANCE_PREFIX))
      changes.push({ type: 'maintenance_removed', id: key.slice(API_MAINTENANCE_PREFIX.length) });
  return changes;
}

/** Every stored API change, both prefixes. */
export async function readApiChanges(store: Pick<Store, 'listMeta'>): Promise<MetaEntry[]> {
  return [...(await store.listMeta(API_SERVER_PREFIX)), ...(await store.listMeta(API_MAINTENANCE_PREFIX))];
}

/** What the follower changes: the monitor's runtime path. */
export interface ApiChangeTarget {
  config(): Config;
  has(server: string): boolean;
  /** Upserts, and removals that resolve nothing and send nothing. */
  applyServers(upserts: ServerConfig[], removals: string[]): Promise<void>;
  addMaintenance(w: MaintenanceWindow): void;
  removeMaintenance(id: string): boolean;
}

export interface FollowerDeps {
  store: Pick<Store, 'listMeta'>;
  target: ApiChangeTarget;
  log: Logger;
  everyMs: number;
  /** The texts the config was built from at start. */
  seen: ReadonlyMap<string, string>;
  clock?: Clock;
}

/** While reading fails, how often that is logged again. */
const FAILURE_LOG_EVERY_MS = 60_000;

export class ApiChangeFollower {
  private seen: Map<string, string>;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: TimerHandle | null = null;
  private stopped = false;
  private lastFailureLogAt = -Infinity;
  private readonly clock: Clock;

  constructor(private readonly deps: FollowerDeps) {
    this.seen = new Map(deps.seen);
    this.clock = deps.clock ?? realClock;
  }

  start(): void {
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    await this.chain;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(() => {
      this.poll()
        .catch((err: unknown) => {
          if (isTransientStoreError(err))
            return this.deps.log.debug({ err }, 'api changes: the store is unreachable');
          const now = this.clock.now();
          if (now - this.lastFailureLogAt < FAILURE_LOG_EVERY_MS) return;
          this.lastFailureLogAt = now;
          this.deps.log.error(
            { err },
            'following the servers and maintenance windows changed through the API failed',
          );
        })
        .finally(() => this.arm());
    }, this.deps.everyMs);
  }

  /**
   * Runs one change made through this instance's API (the monitor's change and the meta write) with
   * no poll in between, so a poll never applies an older stored text over it.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** This instance wrote `value` under `key` (null: deleted it): not a change to apply again. */
  wrote(key: string, value: string | null): void {
    if (value === null) this.seen.delete(key);
    else this.seen.set(key, value);
  }

  /** Reads the stored changes and applies the ones not seen yet; returns them. */
  poll(): Promise<ApiChange[]> {
    return this.exclusive(async () => {
      const stored = await readApiChanges(this.deps.store);
      const changes = diffApiChanges(this.seen, stored);
      if (changes.length > 0) await this.apply(changes);
      // Only once applied: a change that failed half-way is tried again at the next poll.
      this.seen = new Map(stored.map((e) => [e.key, e.value]));
      return changes;
    });
  }

  private async apply(changes: ApiChange[]): Promise<void> {
    const { target, log } = this.deps;
    const removals = changes.flatMap((c) =>
      c.type === 'server_removed' && target.has(c.name) ? [c.name] : [],
    );
    const config = target.config();
    const base = { ...config, servers: config.servers.filter((s) => !removals.includes(s.name)) };
    const upserts: ServerConfig[] = [];
    for (const c of changes) {
      if (c.type === 'problem')
        log.warn(
          { key: c.key, problem: c.problem },
          `a change made through the API cannot be read and is skipped: ${c.key}: ${c.problem}`,
        );
      else if (c.type === 'maintenance') target.addMaintenance(c.window);
      else if (c.type === 'maintenance_removed') target.removeMaintenance(c.id);
      else if (c.type === 'server') {
        const { server, problems } = parseServerEntry(
          c.raw,
          base,
          target.has(c.name) ? { replacing: c.name } : {},
        );
        if (server && server.name === c.name) upserts.push(server);
        else
          log.warn(
            { server: c.name },
            `a server changed through the API on another instance does not fit this instance's config and is skipped: ${c.name}: ${
              problems.map((p) => p.message).join('; ') || `its entry names "${server?.name}"`
            }`,
          );
      }
    }
    if (upserts.length > 0 || removals.length > 0) await target.applyServers(upserts, removals);
    const followed = changes.filter((c) => c.type !== 'problem');
    if (followed.length > 0)
      log.info(
        {
          servers: upserts.map((s) => s.name),
          removed: removals,
          maintenance: followed.flatMap((c) =>
            c.type === 'maintenance' ? [c.window.id] : c.type === 'maintenance_removed' ? [`-${c.id}`] : [],
          ),
        },
        'followed changes made through the API of another instance',
      );
  }
}

/** A follower for this monitor when its store is shared (it has a LeaseKeeper); null when it is alone. */
export function followApiChanges(
  monitor: Monitor,
  deps: { store: Pick<Store, 'listMeta'>; log: Logger; seen: ReadonlyMap<string, string>; clock?: Clock },
): ApiChangeFollower | null {
  if (!monitor.keeper) return null;
  return new ApiChangeFollower({
    ...deps,
    everyMs: monitor.currentConfig().cluster.heartbeatMs,
    target: {
      config: () => monitor.currentConfig(),
      has: (name) => monitor.get(name) !== undefined,
      applyServers: (upserts, removals) =>
        monitor.applyServers(upserts, removals, 'another instance', { quiet: true }),
      addMaintenance: (w) => monitor.addMaintenance(w),
      removeMaintenance: (id) => monitor.removeMaintenance(id),
    },
  });
}
