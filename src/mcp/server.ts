/**
 * The monitor as an MCP server (official SDK, low-level Server): tools/list gives the tools the
 * caller may use, tools/call validates the arguments against the tool's inputSchema (ajv) and answers
 * with structuredContent (matching the outputSchema) plus the same JSON as text; a refusal is a tool
 * result with isError: true, never a protocol error, so an agent can read why.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { McpSource } from './source.js';
import { MCP_TOOLS, type McpTool, type ToolContext } from './tools.js';

export const MCP_SERVER_NAME = 'mcpwatch';
export const MCP_SERVER_VERSION = '0.1.0';

const ajv = new Ajv2020({ strict: false, allErrors: false, useDefaults: true });
const validators = new Map<string, ValidateFunction>(
  MCP_TOOLS.map((t) => [t.name, ajv.compile(t.inputSchema)]),
);

function toolOf(t: McpTool): Tool {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    outputSchema: t.outputSchema as Tool['outputSchema'],
    annotations: { title: t.title, destructiveHint: false, ...t.annotations },
  };
}

const failed = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/** Answers one tools/call; never throws (a fault is an isError result naming it). */
export async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<CallToolResult> {
  const tool = MCP_TOOLS.find((t) => t.name === name);
  if (!tool || (tool.admin && !ctx.admin)) {
    if (tool) return failed(`${name} needs an admin token`);
    return failed(`no tool named "${name}"; call tools/list`);
  }
  const input = structuredClone(args ?? {}) as Record<string, unknown>;
  const validate = validators.get(tool.name)!;
  if (!validate(input)) {
    const e = validate.errors?.[0];
    return failed(`invalid arguments: ${e?.instancePath || '(arguments)'} ${e?.message ?? 'are invalid'}`);
  }
  try {
    const answer = await tool.run(input, ctx);
    if (!answer.ok) return failed(answer.text);
    return {
      content: [{ type: 'text', text: JSON.stringify(answer.data) }],
      structuredContent: answer.data,
    };
  } catch (err) {
    return failed(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function listTools(admin: boolean): Tool[] {
  return MCP_TOOLS.filter((t) => admin || !t.admin).map(toolOf);
}

/** A new SDK Server answering for `source`; one per HTTP request (stateless) or per stdio process. */
export function createMcpServer(source: McpSource, access: { admin: boolean }): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION, title: 'mcpwatch monitor' },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'mcpwatch monitors MCP servers layer by layer. Start with list_servers; get_server gives one server in detail, list_incidents the incidents, explain_failure says what a failure means and how to fix it.',
    },
  );
  const ctx: ToolContext = { source, admin: access.admin };
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools(access.admin) }));
  server.setRequestHandler(CallToolRequestSchema, (req) =>
    callTool(req.params.name, req.params.arguments, ctx),
  );
  return server;
}
