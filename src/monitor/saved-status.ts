/**
 * The `status --json` entries read from the store alone: the engine state a running `serve` saves
 * (at least every minute), judged again at `now`. `mcpwatch status` and `mcpwatch mcp` read it.
 */
import type { Config } from '../config/types.js';
import { createState, deserializeState, summarize } from '../engine/index.js';
import { statusEntry, type StatusEntry } from '../engine/status-entry.js';
import type { Store } from '../store/store.js';

/** The `status --json` entries of every configured server, from the engine state `serve` saved. */
export async function statusEntries(config: Config, store: Store, now: number): Promise<StatusEntry[]> {
  const saved = new Map((await store.loadEngineStates()).map((s) => [s.server, s.state]));
  return config.servers.map((cfg) => {
    const text = saved.get(cfg.name);
    const state = text ? deserializeState(text, cfg.rules) : createState(cfg.rules);
    return statusEntry(summarize(state, now, { paused: cfg.paused }));
  });
}
