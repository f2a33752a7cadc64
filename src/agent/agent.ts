/**
 * `mcpwatch agent`: probes, from wherever it runs, the servers the hub assigns to its region, with
 * the hub's prober and scheduler (same slots, same confirmation re-probes), and pushes the results
 * to the hub in batches. Every result goes through the spool (spool.ts), so when the hub is
 * unreachable the agent keeps probing and delivers the backlog, in order, once it is back. The last
 * assignments are kept in the spool directory too: an agent restarted while the hub is down probes
 * what it probed before.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeResult } from '../engine/index.js';
import { probeDetailed, type FullProbeOptions } from '../probe/index.js';
import type { ProbeOutcome } from '../probe/types.js';
import { realClock, Scheduler, type ProbeSlot, type ScheduledServer } from '../scheduler/index.js';
import type { Logger } from '../util/logger.js';
import { AgentTokenRefused, HubClient, HubRefused, HubUnreachable } from './hub-client.js';
import { MAX_PUSH_BYTES, MAX_PUSH_RESULTS, type Assignment, type Assignments } from './protocol.js';
import { Spool } from './spool.js';

export interface AgentOptions {
  hub: string;
  token: string;
  region: string;
  spoolDir: string;
  spoolMaxBytes?: number;
  log: Logger;
  /** Most probes in flight at once (default 20). */
  concurrency?: number;
  /** Injected for tests. */
  probe?: (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;
}

interface Probed extends ScheduledServer {
  a: Assignment;
}

const ASSIGNMENTS_FILE = 'assignments.json';

export class Agent {
  readonly spool: Spool;
  private readonly client: HubClient;
  private readonly scheduler: Scheduler<Probed>;
  private readonly probeFn: (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;
  private readonly log: Logger;
  private readonly eraCache = new Map<string, NonNullable<FullProbeOptions['era']>>();
  private assigned = new Map<string, Assignment>();
  private etag: string | null = null;
  private pollMs = 30_000;
  private pushMs = 5_000;
  private timers: NodeJS.Timeout[] = [];
  private pushing: Promise<void> = Promise.resolve();
  private hubDown: string | null = null;
  private stopped = false;
  private fatal: ((err: Error) => void) | null = null;

  constructor(private readonly o: AgentOptions) {
    this.log = o.log;
    this.spool = new Spool(o.spoolDir, o.spoolMaxBytes);
    this.client = new HubClient({ hub: o.hub, token: o.token, region: o.region, agentId: this.spool.id });
    this.probeFn = o.probe ?? probeDetailed;
    this.scheduler = new Scheduler<Probed>(
      {
        ...realClock,
        runProbe: (s, slot) => this.runProbe(s, slot),
        onError: (err, s) => this.log.error({ err, server: s.name }, 'probe callback failed'),
      },
      { concurrency: o.concurrency ?? 20 },
    );
  }

  /**
   * Fetches the assignments and starts probing and pushing. Resolves when stop() is called; rejects
   * with AgentTokenRefused (or HubRefused) when the hub refuses the agent.
   */
  async run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.fatal = (err) => {
        void this.stop().finally(() => reject(err));
      };
      this.resolveRun = resolve;
    });
    try {
      await this.poll();
    } catch (err) {
      if (err instanceof AgentTokenRefused || err instanceof HubRefused) {
        await this.stop();
        throw err;
      }
      throw err;
    }
    if (this.assigned.size === 0 && this.hubDown) this.loadSaved();
    this.scheduler.start();
    this.timers.push(setInterval(() => void this.poll().catch((e: Error) => this.fatal?.(e)), this.pollMs));
    this.timers.push(setInterval(() => void this.pushNow(), this.pushMs));
    this.log.info(
      { hub: this.o.hub, region: this.o.region, servers: this.assigned.size, spool: this.o.spoolDir },
      `agent of region ${this.o.region} probing ${this.assigned.size} servers`,
    );
    return done;
  }

  private resolveRun: (() => void) | null = null;

  /** Stops probing, tries one last push, and resolves run(). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.scheduler.stop({ abort: true });
    await this.pushing;
    await this.pushOnce().catch(() => undefined);
    this.resolveRun?.();
  }

  stats() {
    return { servers: this.assigned.size, spool: this.spool.stats(), scheduler: this.scheduler.stats() };
  }

  private async runProbe(s: Probed, slot: ProbeSlot): Promise<{ ok: boolean }> {
    const a = this.assigned.get(s.name);
    if (!a) return { ok: true };
    const at = Date.now();
    const { result } = await this.probeFn(a.url, {
      headers: a.headers,
      timeoutMs: a.timeoutMs,
      ...(a.ca ? { ca: a.ca } : {}),
      era: a.era,
      followRedirects: a.followRedirects,
      blockPrivateAddresses: a.blockPrivateAddresses,
      eraCache: this.eraCache,
      region: this.o.region,
      signal: slot.signal,
    });
    this.spool.append({ server: a.name, at, result });
    return { ok: judgeResult(result, a.rules).failure === null };
  }

  /** Fetches the assignments (If-None-Match) and applies a change. */
  private async poll(): Promise<void> {
    if (this.stopped) return;
    let got;
    try {
      got = await this.client.assignments(this.etag);
    } catch (err) {
      if (err instanceof HubUnreachable) {
        this.noteDown(err.message);
        return;
      }
      throw err;
    }
    this.noteUp();
    if (got === null) return;
    this.etag = got.etag;
    this.apply(got.body);
    this.save(got.body);
  }

  private apply(body: Assignments): void {
    const next = new Map(body.servers.map((a) => [a.name, a]));
    for (const name of this.assigned.keys()) if (!next.has(name)) this.scheduler.remove(name);
    for (const [name, a] of next) {
      const s = scheduledOf(a);
      if (this.assigned.has(name)) this.scheduler.update(s);
      else this.scheduler.add(s);
    }
    const changed = this.assigned.size > 0 || next.size > 0;
    this.assigned = next;
    if (body.pollMs !== this.pollMs || body.pushMs !== this.pushMs) {
      this.pollMs = body.pollMs;
      this.pushMs = body.pushMs;
      if (this.timers.length > 0) {
        for (const t of this.timers) clearInterval(t);
        this.timers = [
          setInterval(() => void this.poll().catch((e: Error) => this.fatal?.(e)), this.pollMs),
          setInterval(() => void this.pushNow(), this.pushMs),
        ];
      }
    }
    if (changed)
      this.log.info(
        { servers: [...next.keys()] },
        `assignments: ${next.size} servers for region ${this.o.region}`,
      );
  }

  private pushNow(): void {
    this.pushing = this.pushing.then(() =>
      this.pushAll().catch((err: unknown) => {
        if (err instanceof AgentTokenRefused || err instanceof HubRefused) this.fatal?.(err);
        else this.log.error({ err }, 'pushing results failed');
      }),
    );
  }

  /** Pushes the spool's backlog, batch after batch, until it is empty or the hub is unreachable. */
  private async pushAll(): Promise<void> {
    while (!this.stopped || this.spool.stats().pending > 0) {
      const sent = await this.pushOnce();
      if (sent === 0) return;
    }
  }

  /** One batch; returns how many results it carried (0: nothing to send, or the hub is down). */
  private async pushOnce(): Promise<number> {
    const batch = this.spool.batch(MAX_PUSH_RESULTS, MAX_PUSH_BYTES);
    const dropped = this.spool.takeDropped();
    if (batch.length === 0 && dropped === 0) return 0;
    if (dropped > 0)
      this.log.warn({ dropped }, `the spool is full: the ${dropped} oldest results were dropped`);
    try {
      await this.client.push({
        region: this.o.region,
        agentId: this.spool.id,
        results: batch,
        ...(dropped > 0 ? { dropped } : {}),
      });
    } catch (err) {
      this.spool.restoreDropped(dropped);
      if (err instanceof HubUnreachable) {
        this.noteDown(err.message);
        return 0;
      }
      throw err;
    }
    this.noteUp();
    if (batch.length > 0) this.spool.ack(batch.at(-1)!.seq);
    return batch.length;
  }

  private noteDown(message: string): void {
    if (this.hubDown === null)
      this.log.warn({ hub: this.o.hub }, `${message}; probing on, results spooled to ${this.o.spoolDir}`);
    this.hubDown = message;
  }

  private noteUp(): void {
    if (this.hubDown !== null)
      this.log.info(
        { hub: this.o.hub, spooled: this.spool.stats().pending },
        'the hub is reachable again; delivering the spooled results in order',
      );
    this.hubDown = null;
  }

  private save(body: Assignments): void {
    const file = join(this.o.spoolDir, ASSIGNMENTS_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(body));
    renameSync(`${file}.tmp`, file);
  }

  private loadSaved(): void {
    try {
      const body = JSON.parse(readFileSync(join(this.o.spoolDir, ASSIGNMENTS_FILE), 'utf8')) as Assignments;
      if (body.region !== this.o.region) return;
      this.apply(body);
      this.log.warn(
        { servers: body.servers.length },
        'the hub is unreachable: probing the assignments it gave last time',
      );
    } catch {
      this.log.warn('the hub is unreachable and no assignments were saved yet: waiting for the hub');
    }
  }
}

function scheduledOf(a: Assignment): Probed {
  return {
    name: a.name,
    intervalMs: a.intervalMs,
    confirmEveryMs: a.confirmEveryMs,
    confirmFailures: a.confirmFailures,
    timeoutMs: a.timeoutMs,
    paused: a.paused,
    offsetMs: a.offsetMs,
    a,
  };
}
