/**
 * The `tool_call` layer: the configured tools/call requests, made after tools/list, one after the
 * other. Only tools the server annotates `readOnlyHint: true` are called, unless the call says
 * `allowWrite: true`; any other is skipped with a warning and never sent. The first failed call
 * fails the layer and the calls after it are skipped.
 */
import { canonicalJson } from './canonical.js';
import { fault, ProbeFault } from './fault.js';
import type { ProbeContext, Step } from './http.js';
import { checkOutput } from './output-schema.js';
import { isObject } from './rpc.js';
import type { McpSession } from './session.js';
import type { ToolCallExpect, ToolCallOutcome, ToolCallSpec, ToolDefinition } from './types.js';

const STEP: Step = { layer: 'tool_call', handshake: false };
const round = (n: number) => Math.round(n * 100) / 100;
const quoted = (name: string) => `"${name.slice(0, 60)}"`;

export interface CallsOutcome {
  calls: ToolCallOutcome[];
  /** Sum of the calls made, ms; null when none was sent. */
  durationMs: number | null;
  /** The first failed call, as a fault for the result's `failure`. */
  failure: ProbeFault | null;
}

/** Whether the read-only guard lets this call through for a tool with these annotations. */
export function mayCall(spec: ToolCallSpec, def: ToolDefinition | undefined): boolean {
  return spec.allowWrite === true || def?.annotations?.readOnlyHint === true;
}

export async function callTools(
  ctx: ProbeContext,
  session: McpSession,
  specs: readonly ToolCallSpec[],
  definitions: readonly ToolDefinition[] | null,
): Promise<CallsOutcome> {
  const byName = new Map((definitions ?? []).map((d) => [d.name, d]));
  const calls: ToolCallOutcome[] = [];
  const refused: string[] = [];
  let total: number | null = null;
  let failure: ProbeFault | null = null;
  for (const spec of specs) {
    const def = byName.get(spec.tool);
    if (failure) {
      calls.push({ tool: spec.tool, status: 'skipped', durationMs: null, skipped: 'earlier_failure' });
      continue;
    }
    if (def && !mayCall(spec, def)) {
      refused.push(spec.tool);
      calls.push({ tool: spec.tool, status: 'skipped', durationMs: null, skipped: 'not_read_only' });
      continue;
    }
    if (spec.notDue) {
      calls.push({ tool: spec.tool, status: 'skipped', durationMs: null, skipped: 'not_due' });
      continue;
    }
    const t = performance.now();
    try {
      if (!def)
        throw fault(
          'tool_call',
          'tool_not_found',
          definitions
            ? `the tool ${quoted(spec.tool)} is not in tools/list (${definitions.length} tools listed)`
            : `the tool ${quoted(spec.tool)} cannot be called: the server declares no tools capability`,
        );
      await callOne(session, spec, def);
      const ms = round(performance.now() - t);
      total = (total ?? 0) + ms;
      calls.push({ tool: spec.tool, status: 'ok', durationMs: ms });
    } catch (err) {
      const sent = def !== undefined;
      const ms = sent ? round(performance.now() - t) : null;
      if (ms !== null) total = (total ?? 0) + ms;
      failure = asToolFault(err, spec.tool);
      calls.push({
        tool: spec.tool,
        status: 'failed',
        durationMs: ms,
        code: failure.code,
        message: failure.message,
      });
    }
  }
  if (refused.length > 0)
    ctx.warnings.push({
      code: 'tool_call_not_read_only',
      message: `not called (never sent): ${refused.map(quoted).join(', ')}, not annotated readOnlyHint: true; set allowWrite: true on the call to call it anyway`,
    });
  return { calls, durationMs: total === null ? null : round(total), failure };
}

async function callOne(session: McpSession, spec: ToolCallSpec, def: ToolDefinition): Promise<void> {
  const what = `tools/call ${quoted(spec.tool)}`;
  const result = await session.call(
    'tools/call',
    { name: spec.tool, arguments: spec.arguments ?? {} },
    STEP,
    what,
  );
  if (!isObject(result) || !Array.isArray(result.content))
    throw fault('tool_call', 'invalid_result', `${what} returned a result without a content array`);
  if (result.isError === true)
    throw fault(
      'tool_call',
      'tool_error',
      `${what} returned isError: ${textOf(result.content) || 'no text'}`,
    );
  if (def.outputSchema !== undefined) {
    if (!isObject(result.structuredContent))
      throw fault(
        'tool_call',
        'invalid_output',
        `${what} returned no structuredContent although the tool declares an outputSchema`,
      );
    const verdict = checkOutput(def.outputSchema, result.structuredContent);
    if (verdict.ok === false) throw fault('tool_call', 'invalid_output', `${what}: ${verdict.reason}`);
  }
  if (spec.expect) {
    const problem = unmet(spec.expect, result);
    if (problem) throw fault('tool_call', 'unexpected_output', `${what}: ${problem}`);
  }
}

/** The first text content, one line, bounded. */
function textOf(content: unknown[]): string {
  const block = content.find((c) => isObject(c) && c.type === 'text' && typeof c.text === 'string') as
    { text: string } | undefined;
  return block ? block.text.replace(/\s+/g, ' ').trim().slice(0, 160) : '';
}

function unmet(expect: ToolCallExpect, result: Record<string, unknown>): string | null {
  if (expect.textContains !== undefined) {
    const texts = (result.content as unknown[]).flatMap((c) =>
      isObject(c) && c.type === 'text' && typeof c.text === 'string' ? [c.text] : [],
    );
    if (!texts.some((t) => t.includes(expect.textContains!)))
      return `no text content contains ${JSON.stringify(expect.textContains.slice(0, 80))} (got "${textOf(result.content as unknown[])}")`;
  }
  for (const [field, want] of Object.entries(expect.structured ?? {})) {
    const sc = result.structuredContent;
    const have = isObject(sc) ? sc[field] : undefined;
    if (!sameJson(have, want))
      return `structuredContent.${field} is ${have === undefined ? 'missing' : short(have)}, expected ${short(want)}`;
  }
  return null;
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return a !== undefined && canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

function short(v: unknown): string {
  try {
    return canonicalJson(v).slice(0, 80);
  } catch {
    return '(too deep)';
  }
}

/** A call's fault belongs to the tool_call layer whatever step noticed it. */
function asToolFault(err: unknown, tool: string): ProbeFault {
  if (err instanceof ProbeFault)
    return err.layer === 'tool_call' ? err : new ProbeFault('tool_call', err.code, err.message, err.extra);
  const message = err instanceof Error ? err.message : String(err);
  return fault(
    'tool_call',
    'invalid_result',
    `tools/call ${quoted(tool)} failed unexpectedly: ${message.slice(0, 160)}`,
  );
}
