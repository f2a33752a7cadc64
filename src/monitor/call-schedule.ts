/**
 * When a server's configured tool calls are due (`servers[].calls[].every`). A call is made on a probe
 * when it has not been made yet, when its last attempt failed (so confirmation re-probes and recovery
 * see it again), or when `every` has passed: N probes of the server, or a duration since it was made.
 * Calls not due still go to the prober, marked `notDue`, so the read-only guard is applied (and warned
 * about) on every probe and the result lists every configured call.
 */
import type { ToolCallConfig } from '../config/types.js';
import type { ProbeResult, ToolCallSpec } from '../probe/types.js';

interface CallMemory {
  /** Probes of the server since the call was last made. */
  probesSince: number;
  madeAt: number | null;
  failed: boolean;
}

export class CallSchedule {
  /** Per server, per call (by position and tool). */
  private readonly memory = new Map<string, Map<string, CallMemory>>();

  /** The calls of this probe, each either due or marked `notDue`. */
  plan(server: string, calls: readonly ToolCallConfig[], now: number): ToolCallSpec[] {
    const mem = this.serverMemory(server, calls);
    return calls.map((c, i) => {
      const m = mem.get(keyOf(c, i))!;
      const spec: ToolCallSpec = { tool: c.tool, arguments: c.arguments, allowWrite: c.allowWrite };
      if (c.expect) spec.expect = c.expect;
      if (!isDue(c, m, now)) spec.notDue = true;
      return spec;
    });
  }

  /** What the probe did with each call. */
  record(server: string, calls: readonly ToolCallConfig[], result: ProbeResult, now: number): void {
    const mem = this.serverMemory(server, calls);
    const outcomes = result.layers.tool_call?.calls ?? [];
    calls.forEach((c, i) => {
      const m = mem.get(keyOf(c, i))!;
      const o = outcomes[i];
      m.probesSince += 1;
      if (o?.status === 'ok' || o?.status === 'failed') {
        m.probesSince = 0;
        m.madeAt = now;
        m.failed = o.status === 'failed';
      }
    });
  }

  forget(server: string): void {
    this.memory.delete(server);
  }

  private serverMemory(server: string, calls: readonly ToolCallConfig[]): Map<string, CallMemory> {
    let mem = this.memory.get(server);
    if (!mem) this.memory.set(server, (mem = new Map()));
    const keys = new Set(calls.map(keyOf));
    for (const k of mem.keys()) if (!keys.has(k)) mem.delete(k);
    for (const k of keys) if (!mem.has(k)) mem.set(k, { probesSince: 0, madeAt: null, failed: false });
    return mem;
  }
}

const keyOf = (c: ToolCallConfig, i: number) => `${i}:${c.tool}`;

function isDue(c: ToolCallConfig, m: CallMemory, now: number): boolean {
  if (m.madeAt === null || m.failed) return true;
  return 'probes' in c.every ? m.probesSince + 1 >= c.every.probes : now - m.madeAt >= c.every.ms;
}
