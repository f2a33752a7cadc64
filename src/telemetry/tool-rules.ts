/**
 * Judgement of real tool calls (pure; time is an argument): which tools of a server fail too often,
 * and whether every call fails. The engine turns the result into triggers (engine/rules/tools.ts).
 *
 * - A tool fails when its error rate over the window (default 5 min) reaches its threshold (default
 *   20%) with at least `minCalls` (20) calls. Hysteresis: once failing, it holds while its rate stays
 *   at half the threshold or more (TUNING.clearShare, as the probe rules), however few its calls; it
 *   clears when the rate falls below that or the window has no call left.
 * - Every call fails when the server's calls in the window number at least `allFailingMinCalls` (10)
 *   and all of them failed; once so, it holds while at least half of them fail.
 * - Tools with `alert: false` are counted and shown, never judged.
 */
import type { ServerTelemetry, ToolThresholds } from '../config/types.js';
import { TUNING } from '../engine/tuning.js';
import type { FailingTool, ToolFacts } from '../engine/types.js';
import type { ServerToolWindows } from './tool-windows.js';

export function thresholdsOf(cfg: ServerTelemetry, tool: string): ToolThresholds {
  return cfg.tools[tool] ?? { errorRate: cfg.errorRate, minCalls: cfg.minCalls, alert: cfg.alert };
}

export function judgeTools(
  windows: ServerToolWindows,
  cfg: ServerTelemetry,
  now: number,
  previous: ToolFacts | null | undefined,
): ToolFacts {
  const window = cfg.windowMs > 5 * 60_000 ? '1h' : '5m';
  const counts = windows.counts(window, now);
  const was = new Set(previous?.failing.map((t) => t.tool) ?? []);
  const failing: FailingTool[] = [];
  let calls = 0;
  let errors = 0;
  for (const c of counts) {
    calls += c.calls;
    errors += c.errors;
    const t = thresholdsOf(cfg, c.tool);
    if (!t.alert) continue;
    const rate = c.errors / c.calls;
    const holds = was.has(c.tool)
      ? rate >= t.errorRate * TUNING.clearShare
      : c.calls >= t.minCalls && rate >= t.errorRate;
    if (holds && c.errors > 0)
      failing.push({
        tool: c.tool,
        calls: c.calls,
        errors: c.errors,
        errorRate: rate,
        threshold: t.errorRate,
      });
  }
  failing.sort((a, b) => b.errorRate - a.errorRate || b.calls - a.calls || a.tool.localeCompare(b.tool));
  const wasAll = (previous?.allFailing ?? null) !== null;
  const all = wasAll
    ? calls > 0 && errors / calls >= TUNING.clearShare
    : calls >= cfg.allFailingMinCalls && errors === calls;
  return {
    at: now,
    windowMs: window === '1h' ? 3_600_000 : 5 * 60_000,
    failing,
    allFailing: all ? { calls, errors } : null,
  };
}
