/**
 * Continuing after a restart: each server's engine state comes back from its last snapshot, its open
 * incident is reconciled with the stored copy (acknowledged or resolved while the monitor was down),
 * and the probe results written after the snapshot are judged again so the windows have no gap.
 * Notifications those replays call for carry the same idempotency keys as before, so nothing that was
 * already planned goes out twice.
 */
import type { ServerConfig } from '../config/types.js';
import {
  createState,
  deserializeState,
  observe,
  openIncident,
  withIncident,
  type EngineState,
} from '../engine/index.js';
import type { EngineEvent, MaintenanceWindow } from '../engine/types.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { replayRounds, type RegionalJudging } from './regional.js';
import { lastProbeOf, type LastProbe } from './last-probe.js';

export interface Restored {
  state: EngineState;
  events: EngineEvent[];
  lastProbe: LastProbe | null;
  surfaceFingerprint: string | null;
  savedAt: number;
}

/** Results judged again per server after a restart, at most. */
const MAX_REPLAY = 5_000;

export async function restoreStates(
  store: Store,
  servers: readonly ServerConfig[],
  maintenance: readonly MaintenanceWindow[],
  log: Logger,
  regional?: RegionalJudging,
  opts: { quiet?: boolean } = {},
): Promise<Map<string, Restored>> {
  const snapshots = new Map((await store.loadEngineStates()).map((s) => [s.server, s]));
  const out = new Map<string, Restored>();
  for (const cfg of servers) {
    const snap = snapshots.get(cfg.name);
    let state: EngineState = createState(cfg.rules);
    if (snap) {
      try {
        state = deserializeState(snap.state, cfg.rules);
      } catch (err) {
        log.error(
          { err, server: cfg.name },
          'the saved engine state cannot be read; starting this server afresh',
        );
      }
    }
    const open = openIncident(state);
    if (open) {
      const stored = await store.getIncident(open.id);
      if (stored && stored.timeline.length > open.timeline.length) state = withIncident(state, stored);
    }
    const events: EngineEvent[] = [];
    const replay = snap
      ? (await store.listResults({ server: cfg.name, since: snap.at + 1, limit: MAX_REPLAY })).reverse()
      : [];
    // A server probed from several regions is replayed slot by slot (one round per slot), as judged.
    const offset = regional?.offsetOf(cfg) ?? null;
    const rounds =
      offset !== null
        ? replayRounds(replay, cfg.rules.intervalMs, offset)
        : replay.map((row) => ({ at: row.at, results: [row.result] }));
    for (const round of rounds) {
      const r = observe(state, round, { now: round.at, maintenance, inPlace: true });
      state = r.state;
      events.push(...r.events);
    }
    const last = replay.at(-1) ?? (await store.listResults({ server: cfg.name, limit: 1 }))[0];
    const [latest] = await store.listToolSurfaces(cfg.name, 1);
    out.set(cfg.name, {
      state,
      events,
      lastProbe: last ? lastProbeOf(last.result, last.at) : null,
      surfaceFingerprint: latest?.fingerprint ?? null,
      savedAt: snap?.at ?? 0,
    });
    if (replay.length > 0 && !opts.quiet)
      log.info(
        { server: cfg.name, results: replay.length },
        'judged the results written after the last saved state',
      );
  }
  return out;
}
