/**
 * The hub's side of multi-region probing, beside the monitor: which servers are probed from more
 * than the hub's own region, the agents heard from (and when), the rounds of each such server
 * (regional-rounds.ts), and the `agent_offline` warnings of agents gone silent. A silent agent only
 * leaves the quorum: its servers are judged on the regions still probing, and no incident opens
 * because of the silence.
 */
import type { ServerConfig } from '../config/types.js';
import type { Round, Warning } from '../engine/types.js';
import { stableOffset } from '../scheduler/offset.js';
import { RegionalRounds, type ReadyRound, type RegionalInput } from './regional-rounds.js';

export interface AgentsSettings {
  pollMs: number;
  pushMs: number;
  offlineAfterMs: number;
}

export const DEFAULT_AGENTS: AgentsSettings = { pollMs: 30_000, pushMs: 5_000, offlineAfterMs: 90_000 };

/** Time besides the probe's timeout and the push interval before a round closes without a region. */
const ROUND_SLACK_MS = 5_000;

interface AgentSeen {
  agentId: string | null;
  lastSeenAt: number;
  received: number;
  dropped: number;
}

export class RegionalJudging {
  readonly hubRegion: string;
  readonly agents: AgentsSettings;
  private readonly seen = new Map<string, AgentSeen>();
  private readonly rounds = new Map<string, RegionalRounds>();
  private readonly startedAt: number;
  private readonly now: () => number;

  constructor(opts: { hubRegion?: string; agents?: AgentsSettings; now: () => number }) {
    this.hubRegion = opts.hubRegion ?? 'local';
    this.agents = opts.agents ?? DEFAULT_AGENTS;
    this.now = opts.now;
    this.startedAt = opts.now();
  }

  /** Whether a server is probed from a region other than the hub's (its rounds are assembled here). */
  handles(cfg: ServerConfig): boolean {
    return cfg.regions.some((r) => r !== this.hubRegion);
  }

  /** Whether the hub probes the server itself. */
  probesLocally(cfg: ServerConfig): boolean {
    return cfg.regions.includes(this.hubRegion);
  }

  /** The slot offset every region uses for a server probed from several (null: the scheduler spreads it). */
  offsetOf(cfg: ServerConfig): number | null {
    return this.handles(cfg) ? stableOffset(cfg.name, cfg.rules.intervalMs) : null;
  }

  /** An agent of `region` called (fetched its assignments or pushed results). */
  heard(
    region: string,
    agentId: string | null,
    now: number,
    counts?: { received: number; dropped: number },
  ): void {
    const s = this.seen.get(region) ?? { agentId, lastSeenAt: now, received: 0, dropped: 0 };
    s.agentId = agentId ?? s.agentId;
    s.lastSeenAt = now;
    s.received += counts?.received ?? 0;
    s.dropped += counts?.dropped ?? 0;
    this.seen.set(region, s);
  }

  online(region: string, now: number): boolean {
    if (region === this.hubRegion) return true;
    const s = this.seen.get(region);
    return s !== undefined && now - s.lastSeenAt < this.agents.offlineAfterMs;
  }

  /** Every region served by agents (any server's, and any agent heard from), with its liveness. */
  status(servers: readonly ServerConfig[], now: number) {
    const regions = new Set<string>(this.seen.keys());
    for (const cfg of servers) for (const r of cfg.regions) if (r !== this.hubRegion) regions.add(r);
    return [...regions].sort().map((region) => {
      const s = this.seen.get(region);
      return {
        region,
        agentId: s?.agentId ?? null,
        lastSeenAt: s?.lastSeenAt ?? null,
        online: this.online(region, now),
        received: s?.received ?? 0,
        dropped: s?.dropped ?? 0,
        servers: servers.filter((c) => c.regions.includes(region)).map((c) => c.name),
      };
    });
  }

  /** Takes a result of a server this judges; returns the rounds ready for the engine. */
  add(cfg: ServerConfig, judgedUntil: number | null, input: RegionalInput, now: number): ReadyRound[] {
    return this.roundsOf(cfg, judgedUntil).add(input, now);
  }

  due(cfg: ServerConfig, now: number): ReadyRound[] {
    return this.rounds.get(cfg.name)?.due(now) ?? [];
  }

  /** Forgets a server (removed, or its settings changed: its open rounds are dropped). */
  forget(name: string): void {
    this.rounds.delete(name);
  }

  private roundsOf(cfg: ServerConfig, judgedUntil: number | null): RegionalRounds {
    let r = this.rounds.get(cfg.name);
    if (!r) {
      r = new RegionalRounds({
        intervalMs: cfg.rules.intervalMs,
        offsetMs: this.offsetOf(cfg) ?? 0,
        deadlineMs: cfg.timeoutMs + this.agents.pushMs + ROUND_SLACK_MS,
        expected: () => {
          const now = this.now();
          return new Set(cfg.regions.filter((region) => this.online(region, now)));
        },
        judgedUntil,
      });
      this.rounds.set(cfg.name, r);
    }
    return r;
  }

  /**
   * The `agent_offline` warnings as they should be now (server field `agent:REGION`), against the
   * active ones stored: the changes to write. A region no agent has served since the hub started
   * is offline once `offlineAfterMs` has passed.
   */
  offlineChanges(servers: readonly ServerConfig[], stored: readonly Warning[], now: number): Warning[] {
    const changes: Warning[] = [];
    const active = new Map(stored.filter((w) => w.rule === 'agent_offline').map((w) => [w.server, w]));
    if (now - this.startedAt < this.agents.offlineAfterMs) return changes;
    for (const s of this.status(servers, now)) {
      const key = `agent:${s.region}`;
      const current = active.get(key);
      active.delete(key);
      if (s.online && current) changes.push({ ...current, clearedAt: now });
      if (!s.online && !current && s.servers.length > 0) {
        const since = s.lastSeenAt ?? this.startedAt;
        changes.push({
          id: `${key}-${since}`,
          server: key,
          rule: 'agent_offline',
          message:
            s.lastSeenAt === null
              ? `no agent of region ${s.region} has called since the hub started; ${s.servers.join(', ')} ${s.servers.length === 1 ? 'is' : 'are'} judged without ${s.region}`
              : `the agent of region ${s.region} has been silent since ${new Date(s.lastSeenAt).toISOString()}; ${s.servers.join(', ')} ${s.servers.length === 1 ? 'is' : 'are'} judged without ${s.region}`,
          openedAt: now,
          clearedAt: null,
          details: { region: s.region, lastSeenAt: s.lastSeenAt, servers: s.servers },
        });
      }
    }
    // Regions no server names any more: their warning clears.
    for (const w of active.values()) changes.push({ ...w, clearedAt: now });
    return changes;
  }
}

/**
 * After a restart, the stored results of a multi-region server written after the last saved state,
 * as rounds: one per slot (each region's first result in it), in order.
 */
export function replayRounds(
  rows: readonly { at: number; region: string; result: Round['results'][number] }[],
  intervalMs: number,
  offsetMs: number,
): Round[] {
  const slots = new Map<number, { at: number; results: Map<string, Round['results'][number]> }>();
  for (const row of rows) {
    const n = Math.floor((row.at - offsetMs) / intervalMs);
    const s = slots.get(n) ?? { at: row.at, results: new Map() };
    if (!s.results.has(row.region)) s.results.set(row.region, row.result);
    s.at = Math.min(s.at, row.at);
    slots.set(n, s);
  }
  return [...slots.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, s]) => ({ at: s.at, results: [...s.results.values()] }));
}
