/**
 * The engine's third entry point, beside `observe` (a probe round) and `tick` (time alone): what the
 * server's real tool calls say (OpenTelemetry), judged by telemetry/tool-rules.ts. The facts go into
 * memory and the tool rules (rules/tools.ts) switch their triggers on and off; the incident follows
 * through the same lifecycle as for probes (one incident per server: a tool trigger opens it or joins
 * the open one; it resolves once no trigger holds and the probes are good). During maintenance the
 * facts are kept but judged by nothing. Pure: time is an argument.
 */
import { joinTrigger } from './incident.js';
import { finish, judgeAndAdvance, type ObserveResult } from './observe.js';
import { failingToolText } from './rules/tools.js';
import type { Rule } from './rules/index.js';
import { cloneState, type EngineState } from './state.js';
import type { EngineEvent, RuleId, ToolFacts } from './types.js';

const TOOL_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['tool_calls_failing', 'tool_error_rate']);

/** Whether two judgements name the same failing tools and agree on "every call fails". */
export function sameToolVerdict(a: ToolFacts | null | undefined, b: ToolFacts | null | undefined): boolean {
  const ka = a ? `${a.failing.map((t) => t.tool).join('\u0000')}|${a.allFailing !== null}` : '|false';
  const kb = b ? `${b.failing.map((t) => t.tool).join('\u0000')}|${b.allFailing !== null}` : '|false';
  return ka === kb;
}

export function observeTools(
  state: EngineState,
  facts: ToolFacts | null,
  ctx: { now: number; inPlace?: boolean },
): ObserveResult {
  const before = state.incident;
  // During maintenance nothing is judged, and the facts stay as they were so that a verdict that
  // changed meanwhile is judged once the window has closed.
  if (state.maintenance !== null) return { state, events: [], incident: null };
  const s = ctx.inPlace ? state : cloneState(state);
  const events: EngineEvent[] = [];
  const previous = s.memory.tools ?? null;
  const wasActive = s.triggers.includes('tool_error_rate');
  s.memory = { ...s.memory, tools: facts };
  const selected = (r: Rule): boolean => TOOL_RULES.has(r.id);
  judgeAndAdvance(s, null, ctx.now, selected, events);
  if (wasActive && s.incident !== null && s.triggers.includes('tool_error_rate') && facts) {
    const known = new Set(previous?.failing.map((t) => t.tool) ?? []);
    for (const t of facts.failing)
      if (!known.has(t.tool))
        s.incident = joinTrigger(s.incident, 'tool_error_rate', ctx.now, failingToolText(t, facts.windowMs));
  }
  return finish(before, s, events);
}
