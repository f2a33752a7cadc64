/** A scheduler on a fake clock whose probes are scripted per server and recorded. */
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type {
  ProbeSlot,
  ProbeVerdict,
  ScheduledServer,
  SchedulerOptions,
} from '../../src/scheduler/types.js';
import { FakeClock, T0 } from './fake-clock.js';

export interface Call {
  name: string;
  kind: ProbeSlot['kind'];
  index: number;
  dueAt: number;
  startedAt: number;
  latenessMs: number;
  consecutiveFailures: number;
  signal: AbortSignal;
}

/** What one probe does: take durationMs, then answer ok; or throw / reject / never settle. */
export type Behaviour = { durationMs?: number; ok?: boolean } | 'throw' | 'reject' | 'hang';

export type Script = (name: string, callNumber: number, slot: ProbeSlot) => Behaviour;

export function server(name: string, extra: Partial<ScheduledServer> = {}): ScheduledServer {
  return { name, intervalMs: 60_000, confirmEveryMs: 15_000, confirmFailures: 3, ...extra };
}

export function harness(script: Script = () => ({}), options: Partial<SchedulerOptions> = {}, start = T0) {
  const clock = new FakeClock(start);
  const calls: Call[] = [];
  const perServer = new Map<string, number>();
  const errors: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const scheduler = new Scheduler<ScheduledServer>(
    {
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      onError: (err) => errors.push(err),
      runProbe: (s, slot) => {
        const n = (perServer.get(s.name) ?? 0) + 1;
        perServer.set(s.name, n);
        calls.push({
          name: s.name,
          kind: slot.kind,
          index: slot.index,
          dueAt: slot.dueAt,
          startedAt: slot.startedAt,
          latenessMs: slot.latenessMs,
          consecutiveFailures: slot.consecutiveFailures,
          signal: slot.signal,
        });
        const b = script(s.name, n, slot);
        if (b === 'throw') throw new Error(`${s.name} throws`);
        if (b === 'reject') return Promise.reject(new Error(`${s.name} rejects`));
        if (b === 'hang') return new Promise<ProbeVerdict>(() => {});
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<ProbeVerdict>((resolve) => {
          clock.setTimer(() => {
            inFlight--;
            resolve({ ok: b.ok ?? true });
          }, b.durationMs ?? 0);
        });
      },
    },
    { concurrency: 1000, ...options },
  );
  /** stop(), letting fake time pass until the probes in flight settle. */
  const finish = async (): Promise<void> => {
    let done = false;
    const stopped = scheduler.stop().then(() => {
      done = true;
    });
    for (let i = 0; i < 1000 && !done; i++) await clock.advance(1000);
    await stopped;
  };
  return {
    clock,
    scheduler,
    finish,
    calls,
    errors,
    maxInFlight: () => maxInFlight,
    callsOf: (name: string) => calls.filter((c) => c.name === name),
    /** Start times of one server relative to its first probe. */
    startsOf: (name: string) => {
      const own = calls.filter((c) => c.name === name);
      const first = own[0]?.startedAt ?? 0;
      return own.map((c) => c.startedAt - first);
    },
  };
}
