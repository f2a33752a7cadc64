/**
 * The hub's answers to regional agents (the routes are web/api/agent.ts): a region's assignments
 * with their ETag, and pushed results taken in order, once each. Every call marks the region's
 * agent as heard from (regional.ts decides who is offline). Which results an agent already
 * delivered is kept per region in the store's meta table (`agent.seq.REGION`: its spool's id and
 * highest sequence number), so a batch retried after a lost answer, or after the hub restarted, is
 * not judged twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AgentRouteError,
  REGION_PATTERN,
  type AgentHubFace,
  type AgentStatus,
  type Assignment,
  type Assignments,
  type PushAnswer,
  type PushBody,
} from '../agent/protocol.js';
import type { ServerConfig } from '../config/types.js';
import { LAYERS, type ProbeResult } from '../probe/types.js';
import { stableOffset } from '../scheduler/offset.js';
import type { Logger } from '../util/logger.js';
import type { Monitor } from './monitor.js';

const SEQ_KEY = 'agent.seq.';

export class AgentHub implements AgentHubFace {
  private readonly seqs = new Map<string, { agentId: string; seq: number }>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly monitor: Monitor,
    private readonly log: Logger,
  ) {}

  assignments(region: string, agentId: string | null): { body: Assignments; etag: string } {
    this.checkRegion(region);
    const regional = this.monitor.regional;
    regional.heard(region, agentId, this.monitor.now());
    const config = this.monitor.currentConfig();
    const body: Assignments = {
      region,
      hubRegion: regional.hubRegion,
      pollMs: regional.agents.pollMs,
      pushMs: regional.agents.pushMs,
      servers: this.monitor
        .servers()
        .filter((c) => c.regions.includes(region))
        .map((c) => this.assignment(c, config.server.public)),
    };
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    return { body, etag };
  }

  push(body: PushBody): Promise<PushAnswer> {
    this.checkRegion(body.region);
    // One push of a region at a time, so results are judged in the order the agent sent them.
    const previous = this.chains.get(body.region) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.take(body));
    this.chains.set(body.region, next);
    return next;
  }

  get hubRegion(): string {
    return this.monitor.regional.hubRegion;
  }

  agents(): AgentStatus[] {
    return this.monitor.regional.status(this.monitor.servers(), this.monitor.now());
  }

  private async take(body: PushBody): Promise<PushAnswer> {
    const { region, agentId } = body;
    const held = await this.held(region);
    let last = held?.agentId === agentId ? held.seq : 0;
    const answer: PushAnswer = { accepted: 0, duplicates: 0, unassigned: 0, invalid: 0, lastSeq: last };
    for (const item of [...body.results].sort((a, b) => a.seq - b.seq)) {
      if (item.seq <= last) {
        answer.duplicates++;
        continue;
      }
      last = item.seq;
      const problem = resultProblem(item.result);
      if (problem !== null) {
        answer.invalid++;
        this.log.warn({ region, server: item.server, seq: item.seq, problem }, 'agent result refused');
        continue;
      }
      if (await this.monitor.ingestRemote(item.server, region, item.result, item.at)) answer.accepted++;
      else answer.unassigned++;
    }
    answer.lastSeq = last;
    if (held?.agentId !== agentId || last !== held.seq) {
      this.seqs.set(region, { agentId, seq: last });
      await this.monitor.store.setMeta(SEQ_KEY + region, JSON.stringify({ agentId, seq: last }));
    }
    this.monitor.regional.heard(region, agentId, this.monitor.now(), {
      received: answer.accepted,
      dropped: body.dropped ?? 0,
    });
    if (body.dropped)
      this.log.warn(
        { region, dropped: body.dropped },
        `the agent of region ${region} dropped ${body.dropped} results from its full spool`,
      );
    return answer;
  }

  private async held(region: string): Promise<{ agentId: string; seq: number } | null> {
    const cached = this.seqs.get(region);
    if (cached) return cached;
    const text = await this.monitor.store.getMeta(SEQ_KEY + region);
    if (!text) return null;
    try {
      const v = JSON.parse(text) as { agentId: string; seq: number };
      this.seqs.set(region, v);
      return v;
    } catch {
      return null;
    }
  }

  private checkRegion(region: string): void {
    if (!REGION_PATTERN.test(region))
      throw new AgentRouteError(`"${region}" is not a region name (lowercase letters, digits and dashes)`);
    if (region === this.monitor.regional.hubRegion)
      throw new AgentRouteError(
        `"${region}" is the hub's own region (server.region); give the agent a region of its own`,
      );
  }

  private assignment(cfg: ServerConfig, blockPrivate: boolean): Assignment {
    return {
      name: cfg.name,
      url: cfg.url,
      headers: cfg.headers,
      timeoutMs: cfg.timeoutMs,
      intervalMs: cfg.rules.intervalMs,
      confirmEveryMs: cfg.rules.confirmEveryMs,
      confirmFailures: cfg.rules.confirmFailures,
      offsetMs: this.monitor.regional.offsetOf(cfg) ?? stableOffset(cfg.name, cfg.rules.intervalMs),
      era: cfg.era,
      followRedirects: cfg.followRedirects,
      ca: cfg.ca ? readCa(cfg.ca, this.log) : null,
      blockPrivateAddresses: blockPrivate,
      paused: cfg.paused,
      rules: cfg.rules,
    };
  }
}

function readCa(path: string, log: Logger): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    log.error({ err, path }, 'cannot read the CA file for an agent; it probes with the system roots only');
    return null;
  }
}

/** Why a pushed result cannot be judged, or null: the fields the engine and the store read. */
export function resultProblem(r: ProbeResult): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  if (typeof r.durationMs !== 'number' || !Number.isFinite(r.durationMs)) return 'durationMs';
  if (typeof r.startedAt !== 'string' || typeof r.url !== 'string') return 'startedAt/url';
  if (typeof r.ok !== 'boolean' || !Array.isArray(r.warnings)) return 'ok/warnings';
  if (typeof r.layers !== 'object' || r.layers === null) return 'layers';
  for (const l of LAYERS) {
    const layer = r.layers[l] as { status?: unknown } | undefined;
    // tool_call is opt-in: absent unless the server has calls configured.
    if (layer === undefined && l === 'tool_call') continue;
    if (typeof layer !== 'object' || layer === null || typeof layer.status !== 'string') return `layers.${l}`;
  }
  if (r.failure !== null) {
    if (
      typeof r.failure !== 'object' ||
      !LAYERS.includes(r.failure.layer) ||
      typeof r.failure.code !== 'string'
    )
      return 'failure';
  }
  return null;
}
