/**
 * Judging what comes in: a probe result (the hub's own or one a regional agent pushed) is stored and
 * handed to the engine, a server probed from several regions is judged by rounds, and real tool
 * calls (telemetry/) are judged when their verdict changes. Each judgement runs in the server's turn
 * of the queue and is committed (commit.ts).
 */
import { judgeResult, observe, observeLate, observeTools, sameToolVerdict } from '../engine/index.js';
import type { ObserveContext, ToolFacts, ToolSnapshot } from '../engine/types.js';
import type { ProbeOutcome, ProbeResult } from '../probe/types.js';
import { isTransientStoreError } from '../store/transient.js';
import type { Committer } from './commit.js';
import type { MonitorCore } from './monitor-core.js';
import type { ReadyRound } from './regional-rounds.js';
import { lastProbeOf } from './last-probe.js';
import type { Tracked } from './tracked.js';

export class Judging {
  constructor(
    private readonly core: MonitorCore,
    private readonly committer: Committer,
  ) {}

  /** Records one probe result and judges it. Returns whether the probe counts as good. */
  async ingest(name: string, outcome: ProbeOutcome, at: number): Promise<boolean> {
    const { core } = this;
    return core.queue.run(name, async () => {
      const t = core.tracked.get(name);
      if (!t) return true;
      const { result } = outcome;
      const ok = judgeResult(result, t.cfg.rules).failure === null;
      core.writer.add({ server: name, region: result.region ?? 'local', at, ok, result });
      // A probe that finished after the lease went: kept, but judged by the instance that holds it.
      if (!core.owns(name)) return ok;
      t.lastProbe = lastProbeOf(result, at);
      core.hooks().onProbe?.(name, result, ok);

      let tools: ObserveContext['tools'];
      // The surface changed (rare): the one it replaces is the newest stored. While the store cannot
      // be read the change waits (the fingerprint held stays), and the next probe after it answers
      // finds it again; the probe itself is judged now.
      const listed = result.tools?.fingerprint;
      const definitions = outcome.toolDefinitions;
      const previous =
        listed && definitions && listed !== t.surfaceFingerprint ? await this.storedSurface(name) : undefined;
      if (listed && definitions && previous !== undefined) {
        const { surface, changed } = await core.store.saveToolSurface(
          name,
          listed,
          result.server?.version ?? null,
          definitions,
          at,
        );
        if (changed)
          tools = { previous, current: { serverVersion: surface.serverVersion, tools: surface.tools } };
        t.surfaceFingerprint = surface.fingerprint;
      }
      const now = core.now();
      if (core.regional.handles(t.cfg)) {
        const input = { region: result.region ?? core.regional.hubRegion, at, result, failed: !ok, tools };
        await this.judgeRounds(t, core.regional.add(t.cfg, t.state.memory.lastRoundAt, input, now), now);
        return ok;
      }
      const r = observe(
        t.state,
        { at, results: [result] },
        { now, maintenance: core.maintenance(), tools, inPlace: true },
      );
      await this.committer.commit(t, r.state, r.events, r.incident, now);
      return ok;
    });
  }

  /**
   * The newest stored tool surface of a server, as the engine compares surfaces (null: none yet);
   * undefined while the store is unreachable.
   */
  private async storedSurface(name: string): Promise<ToolSnapshot | null | undefined> {
    try {
      const [head] = await this.core.store.listToolSurfaces(name, 1);
      const s = head ? await this.core.store.getToolSurface(head.id) : null;
      return s ? { serverVersion: s.serverVersion, tools: s.tools } : null;
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
      return undefined;
    }
  }

  /**
   * A result a regional agent pushed (probed at `at`, in the region it names): stored like the hub's
   * own, and judged in its slot's round. False when the server is unknown or not probed from `region`.
   */
  async ingestRemote(name: string, region: string, result: ProbeResult, at: number): Promise<boolean> {
    const cfg = this.core.tracked.get(name)?.cfg;
    if (!cfg || !cfg.regions.includes(region) || region === this.core.regional.hubRegion) return false;
    await this.ingest(name, { result: { ...result, region } }, at);
    return true;
  }

  /** Hands the rounds of a multi-region server to the engine: late ones count only in their hour and day. */
  async judgeRounds(t: Tracked, ready: ReadyRound[], now: number): Promise<void> {
    for (const r of ready) {
      if (r.late) {
        t.state = observeLate(t.state, r.round, { maintenance: this.core.maintenance(), inPlace: true });
        continue;
      }
      const o = observe(t.state, r.round, {
        now,
        maintenance: this.core.maintenance(),
        ...(r.tools ? { tools: r.tools } : {}),
        inPlace: true,
      });
      await this.committer.commit(t, o.state, o.events, o.incident, now);
    }
  }

  /**
   * Judges a server's real tool calls (telemetry/): `judge` gets the facts judged last and returns
   * the new ones; only a changed verdict (other failing tools, or every call failing or not) goes
   * through the engine and is committed.
   */
  async judgeTools(name: string, judge: (previous: ToolFacts | null) => ToolFacts): Promise<void> {
    const { core } = this;
    await core.queue.run(name, async () => {
      const t = core.tracked.get(name);
      if (!t || !core.owns(name)) return;
      const previous = t.state.memory.tools ?? null;
      const facts = judge(previous);
      if (sameToolVerdict(previous, facts)) return;
      const now = core.now();
      const r = observeTools(t.state, facts, { now, inPlace: true });
      await this.committer.commit(t, r.state, r.events, r.incident, now);
    });
  }
}
