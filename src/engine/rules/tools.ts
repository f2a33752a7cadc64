/**
 * Rules on real traffic: the tool calls a server reports through OpenTelemetry. The windows and the
 * thresholds (with their hysteresis) are judged in telemetry/tool-rules.ts, which hands the result to
 * the engine as `memory.tools` (observeTools in engine/tools.ts); these rules turn it into triggers.
 *
 * - tool_calls_failing (P1): every tool call of the server failed over the window, with at least
 *   `allFailing.minCalls` calls (default 10).
 * - tool_error_rate (P2): a tool's error rate passed its threshold (default 20% over 5 min with at
 *   least 20 calls; per tool in the config). The finding names the tools.
 */
import { pct, span } from '../format.js';
import type { Rule } from './rule.js';

export const TOOL_P1_RULES: readonly Rule[] = [
  {
    id: 'tool_calls_failing',
    severity: 'P1',
    check(f) {
      const t = f.memory.tools;
      if (!t?.allFailing) return null;
      return {
        message: `all ${t.allFailing.calls} tool calls over the last ${span(t.windowMs)} failed`,
        details: { calls: t.allFailing.calls, errors: t.allFailing.errors, windowMs: t.windowMs },
      };
    },
  },
];

export const TOOL_P2_RULES: readonly Rule[] = [
  {
    id: 'tool_error_rate',
    severity: 'P2',
    check(f) {
      const t = f.memory.tools;
      if (!t || t.failing.length === 0) return null;
      return {
        message: t.failing.map((x) => failingToolText(x, t.windowMs)).join('; '),
        details: { tools: t.failing, windowMs: t.windowMs },
      };
    },
  },
];

export function failingToolText(
  x: { tool: string; calls: number; errors: number; errorRate: number; threshold: number },
  windowMs: number,
): string {
  return `tool "${x.tool}" failed ${x.errors} of ${x.calls} calls (${pct(x.errorRate)}) over ${span(windowMs)} (P2 at ${pct(x.threshold)})`;
}
