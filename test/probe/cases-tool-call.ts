/**
 * The tool_call layer's failure codes, one fixture-server case each: used by tool-calls.test.ts, and
 * by faults.test.ts to hold every contract code to a loopback case.
 */
import type { ToolCallSpec } from '../../src/probe/types.js';
import type { McpServerOptions } from '../fixtures/mcp-server.js';
import type { FixtureTool } from '../fixtures/mcp-tools.js';
import type { ProbeOpts } from './helpers.js';

export const TOOLS: FixtureTool[] = [
  {
    name: 'echo',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'weather',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
    outputSchema: {
      type: 'object',
      properties: { temperature: { type: 'number' }, conditions: { type: 'string' } },
      required: ['temperature'],
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'delete_all',
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  { name: 'add', inputSchema: { type: 'object' } },
];

export const text = (t: string, isError = false) => ({
  result: { content: [{ type: 'text', text: t }], ...(isError ? { isError: true } : {}) },
});
export const ECHO: ToolCallSpec = { tool: 'echo', arguments: { message: 'hi' } };

export interface ToolCallCase {
  name: string;
  calls: ToolCallSpec[];
  server?: McpServerOptions;
  opts?: ProbeOpts;
  code: string;
  rpcCode?: number;
  httpStatus?: number;
  message: RegExp;
  sent: string[];
}

export const TOOL_CALL_CASES: ToolCallCase[] = [
  {
    name: 'isError: true',
    calls: [ECHO],
    server: { toolReplies: { echo: text('upstream index is down', true) } },
    code: 'tool_error',
    message: /tools\/call "echo" returned isError: upstream index is down/,
    sent: ['echo'],
  },
  {
    name: 'no answer within the deadline',
    calls: [ECHO],
    server: { delays: { 'tools/call': 3_000 } },
    opts: { timeoutMs: 700 },
    code: 'timeout',
    message: /tools\/call "echo" within the probe's 700 ms deadline/,
    sent: ['echo'],
  },
  {
    name: 'structuredContent against the outputSchema',
    calls: [{ tool: 'weather', arguments: { city: 'Oslo' } }],
    server: {
      toolReplies: { weather: { result: { content: [], structuredContent: { temperature: 'cold' } } } },
    },
    code: 'invalid_output',
    message: /structuredContent\/temperature must be number/,
    sent: ['weather'],
  },
  {
    name: 'no structuredContent although an outputSchema is declared',
    calls: [{ tool: 'weather' }],
    server: { toolReplies: { weather: text('12 degrees') } },
    code: 'invalid_output',
    message: /no structuredContent although the tool declares an outputSchema/,
    sent: ['weather'],
  },
  {
    name: 'a JSON-RPC error',
    calls: [ECHO],
    server: { toolReplies: { echo: { error: { code: -32603, message: 'internal failure' } } } },
    code: 'jsonrpc_error',
    rpcCode: -32603,
    message: /JSON-RPC error -32603: internal failure/,
    sent: ['echo'],
  },
  {
    name: 'a tool the server does not list (never sent)',
    calls: [{ tool: 'search' }],
    code: 'tool_not_found',
    message: /"search" is not in tools\/list \(4 tools listed\)/,
    sent: [],
  },
  {
    name: 'expect.textContains not met',
    calls: [{ ...ECHO, expect: { textContains: 'bye' } }],
    code: 'unexpected_output',
    message: /no text content contains "bye" \(got "Echo: hi"\)/,
    sent: ['echo'],
  },
  {
    name: 'expect.structured not met',
    calls: [{ tool: 'weather', expect: { structured: { conditions: 'Sunny' } } }],
    server: {
      toolReplies: {
        weather: { result: { content: [], structuredContent: { temperature: 3, conditions: 'Rain' } } },
      },
    },
    code: 'unexpected_output',
    message: /structuredContent.conditions is "Rain", expected "Sunny"/,
    sent: ['weather'],
  },
  {
    name: 'a result without content',
    calls: [ECHO],
    server: { toolReplies: { echo: { result: { text: 'hi' } } } },
    code: 'invalid_result',
    message: /returned a result without a content array/,
    sent: ['echo'],
  },
  {
    name: 'HTTP 502 to the call',
    calls: [ECHO],
    server: { fault: { kind: 'status', status: 502, on: 'tools/call' } },
    code: 'status_5xx',
    httpStatus: 502,
    message: /tools\/call "echo" got HTTP 502/,
    sent: ['echo'],
  },
];
