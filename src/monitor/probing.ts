/**
 * Probing a server when the scheduler says so (or now, when asked): the probe's options (headers,
 * CA file, era, the address guard), the tool calls due, and what became of them; the outcome goes to
 * judging.ts. Keeps the probes in flight so that a lease given up waits for its server's last one.
 */
import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../config/types.js';
import type { FullProbeOptions } from '../probe/index.js';
import type { EraPin, ProbeOutcome, ProbeResult } from '../probe/types.js';
import type { ProbeSlot } from '../scheduler/index.js';
import { CallSchedule } from './call-schedule.js';
import type { Judging } from './judging.js';
import type { MonitorCore } from './monitor-core.js';
import type { Scheduled, Tracked } from './tracked.js';

export type ProbeFn = (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;

export class Probing {
  private readonly eraCache = new Map<string, EraPin>();
  private readonly calls = new CallSchedule();
  /** server + tool pairs whose refusal by the read-only guard was logged. */
  private readonly refusedCalls = new Set<string>();
  private readonly cas = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Servers a probeNow waits on, and the result of the probe that ran (the monitor keeps no results). */
  private readonly awaited = new Map<string, { waiting: number; result: ProbeResult | null }>();

  constructor(
    private readonly core: MonitorCore,
    private readonly judging: Judging,
    private readonly probeFn: ProbeFn,
  ) {}

  /** The scheduler's callback: probes the server in its slot and judges the outcome. */
  async run(s: Scheduled, slot: ProbeSlot): Promise<{ ok: boolean }> {
    const t = this.core.tracked.get(s.name);
    if (!t) return { ok: true };
    const at = this.core.now();
    const calls = t.cfg.calls?.length ? this.calls.plan(s.name, t.cfg.calls, at) : undefined;
    const run = this.probeFn(t.cfg.url, this.probeOptions(t, slot.signal, slot.region, calls)).then(
      (outcome) => {
        const wait = this.awaited.get(s.name);
        if (wait) wait.result = outcome.result;
        if (t.cfg.calls?.length) this.noteCalls(t.cfg, outcome.result, at);
        return this.judging.ingest(s.name, outcome, at);
      },
    );
    this.inflight.set(s.name, run);
    try {
      return { ok: await run };
    } finally {
      if (this.inflight.get(s.name) === run) this.inflight.delete(s.name);
    }
  }

  /** Probes one server now, outside its schedule; stored and judged like any other probe. */
  async probeNow(name: string): Promise<ProbeResult | null> {
    const { core } = this;
    const t = core.tracked.get(name);
    if (!t) return null;
    if (!core.owns(name)) {
      // Another instance judges it: probe from here and answer, without storing or judging.
      const signal = AbortSignal.timeout(t.cfg.timeoutMs + 5_000);
      const region = core.config().server.region ?? 'local';
      return (await this.probeFn(t.cfg.url, this.probeOptions(t, signal, region))).result;
    }
    const wait = this.awaited.get(name) ?? { waiting: 0, result: null };
    this.awaited.set(name, wait);
    wait.waiting += 1;
    try {
      await core.scheduler.probeNow(name);
    } finally {
      if (--wait.waiting === 0) this.awaited.delete(name);
    }
    if (wait.result) return wait.result;
    // The probe waited for had finished before we asked: its result is the newest stored.
    await core.writer.flush();
    return (await core.store.listResults({ server: name, limit: 1 }))[0]?.result ?? null;
  }

  /** Resolves when the server's probe in flight (if any) has been judged or has failed. */
  async settled(name: string): Promise<void> {
    await this.inflight.get(name)?.catch(() => undefined);
  }

  /** A server no longer monitored: its calls' schedule goes. */
  forget(name: string): void {
    this.calls.forget(name);
  }

  /** Remembers which calls were made (for `every`); warns once per tool the read-only guard refused. */
  private noteCalls(cfg: ServerConfig, result: ProbeResult, at: number): void {
    this.calls.record(cfg.name, cfg.calls ?? [], result, at);
    for (const c of result.layers.tool_call?.calls ?? []) {
      const key = `${cfg.name}\u0000${c.tool}`;
      if (c.skipped !== 'not_read_only' || this.refusedCalls.has(key)) continue;
      this.refusedCalls.add(key);
      this.core.log.warn(
        { server: cfg.name, tool: c.tool },
        `calls: "${c.tool}" is not annotated readOnlyHint: true by the server; the call is skipped and never sent (set allowWrite: true on it to call it anyway)`,
      );
    }
  }

  private probeOptions(
    t: Tracked,
    signal: AbortSignal,
    region: string,
    calls?: FullProbeOptions['calls'],
  ): FullProbeOptions {
    const { cfg, surfaceFingerprint: known } = t;
    return {
      headers: cfg.headers,
      timeoutMs: cfg.timeoutMs,
      ca: cfg.ca ? this.caText(cfg.ca) : undefined,
      era: cfg.era,
      followRedirects: cfg.followRedirects,
      blockPrivateAddresses: this.core.config().server.public,
      eraCache: this.eraCache,
      keepToolDefinitions: true,
      ...(known ? { knownToolsFingerprint: known } : {}),
      ...(calls ? { calls } : {}),
      region,
      signal,
    };
  }

  private caText(path: string): string | undefined {
    let pem = this.cas.get(path);
    if (pem === undefined) {
      try {
        pem = readFileSync(path, 'utf8');
      } catch (err) {
        this.core.log.error({ err, path }, 'cannot read the CA file; probing with the system roots only');
        pem = '';
      }
      this.cas.set(path, pem);
    }
    return pem || undefined;
  }
}
