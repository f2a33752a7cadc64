/**
 * Results of a server probed from several regions (the hub's own and its agents'), assembled into
 * the rounds the engine judges (engine/quorum.ts: a round fails when more than half of the regions
 * that probed it failed).
 *
 * Every region probes a server at the same slots (offset + n·interval, the offset handed out with
 * the assignments), so slot n's results form one round. A round closes when every region expected
 * has delivered (the hub's own, and those of agents heard from lately: a silent agent is not waited
 * for), or `deadlineMs` after it started (a probe's timeout, an agent's push interval and some slack).
 * A region that probes again within the slot (a confirmation re-probe after a failure) starts the
 * slot's next round: the latest result of every region in the slot, waiting for the other regions
 * that were failing to confirm too. Rounds are handed over in order of time.
 *
 * Late results (older than the deadline when they arrive, or than the last round judged: an agent's
 * spool delivered after an outage of the link or of the hub) never make a round of their own the
 * rules judge. Those of a slot nobody judged (the hub was down) are gathered for `lateQuietMs` and
 * handed over as a late round, which the engine counts in that slot's hour and day (engine/late.ts);
 * those of a slot already judged are only stored (their region's own history has no gap either way).
 */
import type { ProbeResult } from '../probe/types.js';
import type { ObserveContext, Round } from '../engine/types.js';

export interface RegionalInput {
  region: string;
  /** When the probe started (ms since epoch). */
  at: number;
  result: ProbeResult;
  failed: boolean;
  /** A changed tool surface this result brought (hub probes only). */
  tools?: ObserveContext['tools'];
}

export interface ReadyRound {
  round: Round;
  late: boolean;
  tools?: ObserveContext['tools'];
}

export interface RegionalOptions {
  intervalMs: number;
  offsetMs: number;
  deadlineMs: number;
  /** A late slot is handed over once no result for it arrived for this long. */
  lateQuietMs?: number;
  /** The regions whose results the hub waits for now (the server's, less silent agents). */
  expected(): ReadonlySet<string>;
  /** The time of the last round already judged (a restart's restored state), or null. */
  judgedUntil: number | null;
}

interface Step {
  slot: number;
  at: number;
  /** The slot's results from before this step (regions that did not probe again). */
  base: Map<string, ProbeResult>;
  results: Map<string, ProbeResult>;
  expected: Set<string>;
  tools?: ObserveContext['tools'];
}

interface LateSlot {
  at: number;
  results: Map<string, ProbeResult>;
  lastAddAt: number;
}

/** Judged slots remembered (beyond them, anything older than `judgedUntil` counts as judged). */
const JUDGED_KEPT = 2_048;

export class RegionalRounds {
  private readonly steps: Step[] = [];
  private slot = Number.NEGATIVE_INFINITY;
  private latest = new Map<string, { result: ProbeResult; failed: boolean }>();
  private lastJudgedAt: number;
  private readonly judged = new Set<number>();
  private readonly judgedBefore: number;
  private readonly late = new Map<number, LateSlot>();
  private readonly lateQuietMs: number;

  constructor(private readonly o: RegionalOptions) {
    this.lastJudgedAt = o.judgedUntil ?? Number.NEGATIVE_INFINITY;
    this.judgedBefore = o.judgedUntil === null ? Number.NEGATIVE_INFINITY : this.slotOf(o.judgedUntil);
    this.lateQuietMs = o.lateQuietMs ?? 2_000;
  }

  slotOf(at: number): number {
    return Math.floor((at - this.o.offsetMs) / this.o.intervalMs);
  }

  /** Takes one result; returns the rounds it completed (often none, or one). */
  add(input: RegionalInput, now: number): ReadyRound[] {
    const { region, at, result } = input;
    const n = this.slotOf(at);
    if (now - at > this.o.deadlineMs || at < this.lastJudgedAt) {
      this.addLate(n, input, now);
      return this.due(now);
    }
    if (n > this.slot) {
      this.slot = n;
      this.latest = new Map();
      this.steps.push(this.newStep(n, at, new Map(), this.o.expected()));
    } else if (n < this.slot) {
      const step = this.steps.find((s) => s.slot === n && !s.results.has(region));
      if (!step) {
        this.addLate(n, input, now);
        return this.due(now);
      }
      step.results.set(region, result);
      if (input.tools) step.tools = input.tools;
      return this.due(now);
    }
    let step = this.steps.at(-1);
    if (!step || step.slot !== n || step.results.has(region)) {
      // Probing again within the slot: the next round waits for the other failing regions too.
      const expected = new Set([region]);
      const wanted = this.o.expected();
      for (const [r, l] of this.latest) if (l.failed && wanted.has(r)) expected.add(r);
      const base = new Map([...this.latest].map(([r, l]) => [r, l.result]));
      step = this.newStep(n, at, base, expected);
      this.steps.push(step);
    }
    step.results.set(region, result);
    if (input.tools) step.tools = input.tools;
    this.latest.set(region, { result, failed: input.failed });
    return this.due(now);
  }

  /** Rounds whose time has come (complete, or past their deadline), oldest first, and late slots gone quiet. */
  due(now: number): ReadyRound[] {
    const out: ReadyRound[] = [];
    for (const [n, l] of [...this.late].sort((a, b) => a[0] - b[0])) {
      if (now - l.lastAddAt < this.lateQuietMs) continue;
      this.late.delete(n);
      if (this.isJudged(n)) continue;
      this.markJudged(n);
      out.push({ round: { at: l.at, results: [...l.results.values()] }, late: true });
    }
    while (this.steps.length > 0) {
      const step = this.steps[0]!;
      const complete = [...step.expected].every((r) => step.results.has(r));
      if (!complete && now - step.at < this.o.deadlineMs) break;
      this.steps.shift();
      const merged = new Map([...step.base, ...step.results]);
      this.lastJudgedAt = Math.max(this.lastJudgedAt, step.at);
      this.markJudged(step.slot);
      out.push({
        round: { at: step.at, results: [...merged.values()] },
        late: false,
        ...(step.tools ? { tools: step.tools } : {}),
      });
    }
    return out;
  }

  /** Rounds still open (for tests and stats). */
  pending(): number {
    return this.steps.length + this.late.size;
  }

  private newStep(
    slot: number,
    at: number,
    base: Map<string, ProbeResult>,
    expected: ReadonlySet<string>,
  ): Step {
    return { slot, at, base, results: new Map(), expected: new Set(expected) };
  }

  private addLate(n: number, input: RegionalInput, now: number): void {
    if (this.isJudged(n) && !this.late.has(n)) return;
    const l = this.late.get(n) ?? { at: input.at, results: new Map<string, ProbeResult>(), lastAddAt: now };
    // The slot's first result of each region stands for it (a confirmation re-probe adds nothing).
    if (!l.results.has(input.region)) l.results.set(input.region, input.result);
    l.at = Math.min(l.at, input.at);
    l.lastAddAt = now;
    this.late.set(n, l);
  }

  private isJudged(n: number): boolean {
    return n <= this.judgedBefore || this.judged.has(n) || this.steps.some((s) => s.slot === n);
  }

  private markJudged(n: number): void {
    this.judged.add(n);
    if (this.judged.size > JUDGED_KEPT) this.judged.delete(this.judged.values().next().value!);
  }
}
