/**
 * The monitor's time-driven work, every tick (5 s by default): acknowledgements the CLI left,
 * rules that depend on time alone, escalations, rounds of multi-region servers that are due, the
 * channel and agent warnings, the weekly digest, and retention.
 */
import { writeChannelWarnings } from '../alerts/channel-warnings.js';
import { planDigest, planDue, previousDigestAt } from '../alerts/index.js';
import { openIncident, tick } from '../engine/index.js';
import type { Incident } from '../engine/types.js';
import type { TimerHandle } from '../scheduler/index.js';
import { nameHash } from '../scheduler/offset.js';
import { isTransientStoreError } from '../store/transient.js';
import { foldStoredIncident } from './cluster.js';
import type { Committer } from './commit.js';
import type { Judging } from './judging.js';
import type { MonitorCore } from './monitor-core.js';
import { applyAckRequests } from './requests.js';

/** How often time alone is judged per server. */
const ENGINE_TICK_MS = 60_000;

/**
 * Whether time alone is due to be judged: once in each minute, the minutes shifted per server by its
 * name's hash so that 50,000 servers are judged a twelfth at a time, not all in one tick. A server
 * counts as judged when tracking began (tracked.ts), so a start, too, is spread.
 */
export function engineTickDue(name: string, tickedAt: number, now: number): boolean {
  const phase = nameHash(name) % ENGINE_TICK_MS;
  return Math.floor((now + phase) / ENGINE_TICK_MS) !== Math.floor((tickedAt + phase) / ENGINE_TICK_MS);
}

export class Housekeeping {
  private tickTimer: TimerHandle | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private halted = false;
  private lastPruneAt = 0;
  private lastDigestAt: number | null = null;

  constructor(
    private readonly core: MonitorCore,
    private readonly committer: Committer,
    private readonly judging: Judging,
    private readonly acknowledge: (id: string, by: string) => Promise<Incident | null>,
    private readonly tickMs: number,
  ) {}

  /** Ticks every `tickMs` until halted. */
  arm(): void {
    this.tickTimer = this.core.clock.setTimer(() => {
      this.ticking = this.tick()
        .catch((err: unknown) =>
          // While the database is away the store says so (once, then at intervals), not every tick.
          isTransientStoreError(err)
            ? this.core.log.debug({ err }, 'tick: the store is unreachable')
            : this.core.log.error({ err }, 'tick failed'),
        )
        .finally(() => {
          if (!this.halted) this.arm();
        });
    }, this.tickMs);
  }

  /** No further tick starts; `settled` resolves when the one under way (if any) is done. */
  halt(): void {
    this.halted = true;
    if (this.tickTimer !== null) this.core.clock.clearTimer(this.tickTimer);
  }

  settled(): Promise<void> {
    return this.ticking;
  }

  /** Time-driven work: rules that depend on time alone, escalations, the digest, retention. */
  async tick(): Promise<void> {
    const { core } = this;
    // Acknowledgements left by the CLI need reads; the servers' judgement below does not, so it goes
    // on while the database is away (its writes wait in the store's buffer).
    await applyAckRequests(core.store, core.log, this.acknowledge).catch((err: unknown) => {
      if (!isTransientStoreError(err)) throw err;
    });
    const now = core.now();
    const maintenance = core.maintenance();
    // Only servers with something to do get a turn of their queue: at 50,000 servers a closure and
    // a promise each, every tick, is most of the monitor's garbage.
    const turns: Promise<void>[] = [];
    for (const t of core.tracked.values()) {
      const tickDue = engineTickDue(t.cfg.name, t.tickedAt, now);
      if (!tickDue && openIncident(t.state) === null && !core.regional.handles(t.cfg)) continue;
      turns.push(
        core.queue.run(t.cfg.name, async () => {
          if (!core.owns(t.cfg.name)) return;
          if (core.keeper) await foldStoredIncident(core.store, t);
          // Time-driven rules (certificate countdown, warnings ageing out, maintenance edges) need
          // minutes, not seconds: judge them once a minute; escalations are checked every tick.
          const r = tickDue ? tick(t.state, now, { maintenance, inPlace: true }) : null;
          if (r) t.tickedAt = now;
          if (core.regional.handles(t.cfg))
            await this.judging.judgeRounds(t, core.regional.due(t.cfg, now), now);
          const state = r?.state ?? t.state;
          const open = openIncident(state);
          const due = open ? planDue([open], core.config(), now, { ackSecret: core.ackSecret() }) : [];
          if ((r?.events.length ?? 0) > 0 || due.length > 0)
            await this.committer.commit(t, state, r?.events ?? [], r?.incident ?? null, now, due);
          else t.state = state;
        }),
      );
    }
    await Promise.all(turns);
    await this.syncChannelWarnings(now);
    await this.syncAgentWarnings(now);
    await this.planDigestOnce(now);
    await this.prune(now);
  }

  /** Retention, once an hour: raw results and rollups older than the config keeps them. */
  private async prune(now: number): Promise<void> {
    if (now - this.lastPruneAt < 3_600_000) return;
    this.lastPruneAt = now;
    const { retention } = this.core.config();
    const pruned = await this.core.store.prune(
      now - retention.rawMs,
      now - retention.rollupsMs,
      now - (retention.minuteRollupsMs ?? retention.rollupsMs),
    );
    if (pruned.raw || pruned.rollups) this.core.log.info(pruned, 'retention: pruned old rows');
  }

  /**
   * The weekly digest, planned once per scheduled time (the store's keys make a second planning after
   * a restart harmless): warnings of the period, and P1s still without a postmortem after 24 h.
   */
  private async planDigestOnce(now: number): Promise<void> {
    const { core } = this;
    const config = core.config();
    const due = previousDigestAt(config.digest.schedule, now, config.digest.timezone);
    if (due === this.lastDigestAt) return;
    // Read first: when the store is unreachable, the next tick plans it again.
    const [warnings, incidents] = await Promise.all([
      core.store.listWarnings({ limit: 10_000 }),
      core.store.listIncidents({ limit: 1_000 }),
    ]);
    this.lastDigestAt = due;
    const hooks = core.hooks();
    const reminders = hooks.missingPostmortems ? await hooks.missingPostmortems(incidents, now) : [];
    const fresh = await this.committer.unsent(planDigest({ warnings, incidents: reminders }, config, now));
    if (fresh.length === 0) return;
    await core.store.writeJudgement({ outbox: fresh });
    core.worker.kick();
  }

  /**
   * A channel that keeps failing (or that its receiver disabled) is a warning beside the servers'
   * own, raised and cleared as the delivery worker sees it (alerts/channel-warnings.ts: when the
   * store is shared, only on evidence newer than the warning); its server field names the channel.
   */
  private async syncChannelWarnings(now: number): Promise<void> {
    const { core } = this;
    const shared = core.keeper !== null;
    const raised = await writeChannelWarnings({ store: core.store, worker: core.worker, shared, now });
    for (const w of raised) core.log.warn({ channel: w.channel, disabled: w.disabled }, w.message);
  }

  /** `agent_offline` warnings (server field `agent:REGION`) raised and cleared as agents call or go silent. */
  private async syncAgentWarnings(now: number): Promise<void> {
    const { core } = this;
    const stored = await core.store.listWarnings({ active: true, limit: 10_000 });
    const servers = [...core.tracked.values()].map((t) => t.cfg);
    const changes = core.regional.offlineChanges(servers, stored, now);
    for (const w of changes)
      if (w.clearedAt === null) core.log.warn({ region: w.details?.region }, w.message);
    if (changes.length > 0) await core.store.writeJudgement({ warnings: changes });
  }
}
