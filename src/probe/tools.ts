/**
 * tools/list: every page (bounded), each tool checked, and the surface fingerprinted so that drift can
 * be diffed later: a hash of the canonical [{name, inputSchema}] sorted by name, and one per tool.
 */
import { canonicalJson, sha256 } from './canonical.js';
import { fault } from './fault.js';
import { warn, type ProbeContext, type Step } from './http.js';
import { isObject } from './rpc.js';
import { checkInputSchema } from './schema-check.js';
import type { McpSession } from './session.js';
import type { ToolDefinition, ToolItem, ToolsSummary } from './types.js';

const STEP: Step = { layer: 'tools_list', handshake: false };

export async function listTools(
  ctx: ProbeContext,
  session: McpSession,
  maxPages: number,
): Promise<{ summary: ToolsSummary; definitions: ToolDefinition[] }> {
  const definitions: ToolDefinition[] = [];
  const cursors = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (pages >= maxPages)
      throw fault('tools_list', 'malformed', `tools/list kept paging past ${maxPages} pages`);
    const what = pages === 0 ? 'tools/list' : `tools/list page ${pages + 1}`;
    const result = await session.call(
      'tools/list',
      cursor === undefined ? undefined : { cursor },
      STEP,
      what,
    );
    pages++;
    if (!isObject(result) || !Array.isArray(result.tools))
      throw fault('tools_list', 'malformed', `${what} returned no tools array`);
    result.tools.forEach((t: unknown, i: number) => definitions.push(toolOf(t, definitions.length + i)));
    const next = result.nextCursor;
    cursor = typeof next === 'string' && next !== '' ? next : undefined;
    if (cursor !== undefined) {
      if (cursors.has(cursor))
        throw fault(
          'tools_list',
          'malformed',
          `tools/list returned the cursor "${cursor.slice(0, 40)}" twice (a paging loop)`,
        );
      cursors.add(cursor);
    }
  } while (cursor !== undefined);

  return { summary: summarize(ctx, definitions, pages), definitions };
}

function toolOf(t: unknown, index: number): ToolDefinition {
  if (!isObject(t)) throw fault('tools_list', 'malformed', `tool #${index + 1} is not an object`);
  if (typeof t.name !== 'string' || t.name === '')
    throw fault('tools_list', 'malformed', `tool #${index + 1} has no name`);
  if (!('inputSchema' in t))
    throw fault('tools_list', 'malformed', `tool "${t.name.slice(0, 60)}" has no inputSchema`);
  const def: ToolDefinition = { name: t.name, inputSchema: t.inputSchema };
  if (typeof t.title === 'string') def.title = t.title;
  if (typeof t.description === 'string') def.description = t.description;
  if ('outputSchema' in t) def.outputSchema = t.outputSchema;
  if (isObject(t.annotations)) def.annotations = t.annotations;
  return def;
}

function summarize(ctx: ProbeContext, defs: ToolDefinition[], pages: number): ToolsSummary {
  let entries: { def: ToolDefinition; schema: string }[];
  try {
    entries = defs.map((def) => ({ def, schema: canonicalJson(def.inputSchema) }));
  } catch {
    throw fault('tools_list', 'invalid_schema', 'a tool inputSchema is nested too deeply to check');
  }
  entries.sort((a, b) => (a.def.name < b.def.name ? -1 : a.def.name > b.def.name ? 1 : 0));
  const items: ToolItem[] = [];
  const seen = new Set<string>();
  for (const { def, schema } of entries) {
    if (seen.has(def.name))
      warn(ctx, 'duplicate_tool_name', `the tool name "${def.name.slice(0, 60)}" is listed more than once`);
    seen.add(def.name);
    const hash = sha256(schema);
    const problem = checkInputSchema(def.inputSchema, hash);
    if (problem) throw fault('tools_list', 'invalid_schema', `tool "${def.name.slice(0, 60)}": ${problem}`);
    items.push({
      name: def.name,
      inputSchemaHash: hash,
      ...(def.annotations ? { annotations: def.annotations } : {}),
    });
  }
  // Same bytes as canonicalJson([{name, inputSchema}]) without re-serialising every schema.
  const fingerprint = sha256(
    `[${entries.map((e) => `{"inputSchema":${e.schema},"name":${JSON.stringify(e.def.name)}}`).join(',')}]`,
  );
  return { count: defs.length, pages, fingerprint, items };
}
