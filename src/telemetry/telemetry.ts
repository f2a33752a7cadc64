/**
 * Real traffic of every server: OTLP tool calls (decoded by otel/) land in per-server tool windows
 * (tool-windows.ts) by resource `service.name` (`servers[].telemetry.serviceName`, default the
 * server's name), and are judged (tool-rules.ts) right after each request that brought calls of a
 * server, and every few seconds as time slides the windows. A judgement goes to the monitor, which
 * runs it through the engine (engine/tools.ts) only when its verdict changed.
 */
import type { ServerConfig, ServerTelemetry } from '../config/types.js';
import { DEFAULTS } from '../config/defaults.js';
import { buildTelemetry } from '../config/build-server.js';
import type { ToolFacts } from '../engine/types.js';
import type { DecodedMetrics, OperationPoint } from '../otel/metrics.js';
import type { DecodedSpans } from '../otel/spans.js';
import { CumulativeSeries } from './cumulative.js';
import { judgeTools } from './tool-rules.js';
import { ServerToolWindows, TOOL_WINDOW_MS, type ToolStats } from './tool-windows.js';

/** What one OTLP request left: items refused, and why (for the partial-success answer). */
export interface IngestOutcome {
  accepted: number;
  rejected: number;
  reasons: Map<string, number>;
}

/** What web/ needs: ingest, and the per-tool stats of a server. */
export interface TelemetryFace {
  readonly maxBodyBytes: number;
  ingestSpans(d: DecodedSpans): IngestOutcome;
  ingestMetrics(d: DecodedMetrics): IngestOutcome;
  /** Every tool of the server with a call in the last 24 h; null for an unknown server. */
  tools(server: string): ToolStats[] | null;
}

export interface TelemetryDeps {
  servers(): ServerConfig[];
  now(): number;
  /** Runs a judgement against the server's last one (the monitor: through the engine, in its queue). */
  judge(server: string, judge: (previous: ToolFacts | null) => ToolFacts): Promise<void>;
  onError?(err: unknown, server: string): void;
  maxBodyBytes?: number;
  maxToolsPerServer?: number;
  /** How often every server is judged as time passes (default 5 s). */
  everyMs?: number;
}

function settingsOf(s: ServerConfig): ServerTelemetry {
  return s.telemetry ?? buildTelemetry(s.name, {});
}

export class ToolTelemetry implements TelemetryFace {
  readonly maxBodyBytes: number;
  private readonly maxTools: number;
  private readonly windows = new Map<string, ServerToolWindows>();
  private readonly cumulative = new CumulativeSeries();
  private byService: { at: number; map: Map<string, ServerConfig> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly judging = new Set<string>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: TelemetryDeps) {
    this.maxBodyBytes = deps.maxBodyBytes ?? DEFAULTS.telemetry.maxBodyBytes;
    this.maxTools = deps.maxToolsPerServer ?? DEFAULTS.telemetry.maxToolsPerServer;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.judgeAll(), this.deps.everyMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The server of a service.name (cached for a second: servers change at runtime). */
  private serverOf(service: string | null): ServerConfig | undefined {
    if (service === null) return undefined;
    const now = this.deps.now();
    if (!this.byService || now - this.byService.at > 1_000) {
      const map = new Map<string, ServerConfig>();
      for (const s of this.deps.servers()) map.set(settingsOf(s).serviceName, s);
      this.byService = { at: now, map };
      for (const name of this.windows.keys())
        if (![...map.values()].some((s) => s.name === name)) this.windows.delete(name);
    }
    return this.byService.map.get(service);
  }

  private windowsOf(server: string): ServerToolWindows {
    let w = this.windows.get(server);
    if (!w) this.windows.set(server, (w = new ServerToolWindows(this.maxTools)));
    return w;
  }

  /** Where a call of `atMs` goes: in the future (clock skew) means now; older than 24 h is refused. */
  private placed(atMs: number, now: number): number | null {
    if (atMs > now) return now;
    return now - atMs > TOOL_WINDOW_MS['24h'] ? null : atMs;
  }

  ingestSpans(d: DecodedSpans): IngestOutcome {
    const now = this.deps.now();
    const out: IngestOutcome = { accepted: 0, rejected: d.rejected, reasons: new Map(d.reasons) };
    const touched = new Set<string>();
    for (const call of d.calls) {
      const server = this.serverOf(call.service);
      if (!server) {
        refuse(out, `tool-call spans of a service.name no monitored server has (${call.service ?? 'none'})`);
        continue;
      }
      const at = this.placed(call.endMs, now);
      if (at === null) {
        refuse(out, 'tool-call spans that ended more than 24 h ago');
        continue;
      }
      const ok = this.windowsOf(server.name).add(call.tool, {
        at,
        calls: 1,
        errors: call.ok ? 0 : 1,
        latency: [[call.durationMs, 1]],
        errorType: call.errorType,
        source: 'span',
      });
      if (!ok) refuse(out, `tool-call spans of more than ${this.maxTools} tools of one server`);
      else {
        out.accepted++;
        touched.add(server.name);
      }
    }
    for (const name of touched) void this.judgeOne(name);
    return out;
  }

  ingestMetrics(d: DecodedMetrics): IngestOutcome {
    const now = this.deps.now();
    const out: IngestOutcome = { accepted: 0, rejected: d.rejected, reasons: new Map(d.reasons) };
    const touched = new Set<string>();
    for (const p of d.points) {
      const server = this.serverOf(p.service);
      if (!server) {
        refuse(out, `data points of a service.name no monitored server has (${p.service ?? 'none'})`);
        continue;
      }
      const at = this.placed(p.timeMs, now);
      if (at === null) {
        refuse(out, 'data points older than 24 h');
        continue;
      }
      const delta =
        p.temporality === 2
          ? this.cumulative.delta(
              `${server.name}\u0000${p.tool}\u0000${p.errorType ?? ''}\u0000${p.startMs}`,
              p.count,
              p.bucketCounts,
            )
          : { count: p.count, bucketCounts: p.bucketCounts };
      if (delta.count === 0) {
        out.accepted++;
        continue;
      }
      const ok = this.windowsOf(server.name).add(p.tool, {
        at,
        calls: delta.count,
        errors: p.errorType ? delta.count : 0,
        latency: latencyOf(p, delta.bucketCounts),
        errorType: p.errorType,
        source: 'metric',
      });
      if (!ok) refuse(out, `data points of more than ${this.maxTools} tools of one server`);
      else {
        out.accepted++;
        touched.add(server.name);
      }
    }
    for (const name of touched) void this.judgeOne(name);
    return out;
  }

  tools(server: string): ToolStats[] | null {
    if (!this.deps.servers().some((s) => s.name === server)) return null;
    return this.windows.get(server)?.stats(this.deps.now()) ?? [];
  }

  /** Judges every server that has windows (time alone clears a tool whose calls stopped). */
  async judgeAll(): Promise<void> {
    const now = this.deps.now();
    for (const [name, w] of this.windows) {
      w.forget(now);
      await this.judgeOne(name);
    }
  }

  /** One judgement of a server at a time; a request arriving meanwhile gets one more after it. */
  private async judgeOne(name: string): Promise<void> {
    if (this.judging.has(name)) {
      this.again.add(name);
      return;
    }
    this.judging.add(name);
    try {
      do {
        this.again.delete(name);
        const server = this.deps.servers().find((s) => s.name === name);
        const windows = this.windows.get(name);
        if (!server || !windows) return;
        const cfg = settingsOf(server);
        await this.deps.judge(name, (previous) => judgeTools(windows, cfg, this.deps.now(), previous));
      } while (this.again.has(name));
    } catch (err) {
      this.deps.onError?.(err, name);
    } finally {
      this.judging.delete(name);
    }
  }
}

function refuse(out: IngestOutcome, why: string): void {
  out.rejected++;
  out.reasons.set(why, (out.reasons.get(why) ?? 0) + 1);
}

/** A histogram point's buckets as latency samples: each bucket at its upper bound (the overflow at max). */
function latencyOf(p: OperationPoint, counts: number[]): [number, number][] {
  const out: [number, number][] = [];
  counts.forEach((c, i) => {
    if (c <= 0) return;
    const upper = p.boundsMs[i] ?? p.maxMs ?? p.boundsMs[p.boundsMs.length - 1] ?? 0;
    out.push([upper, c]);
  });
  return out;
}
