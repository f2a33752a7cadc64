/** `mcpwatch probe URL`: one layered probe, a human report or the ProbeResult as JSON. */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { probe, ProbeUsageError } from '../probe/index.js';
import type { EraPin, ToolCallSpec } from '../probe/types.js';
import { parseDuration } from '../util/duration.js';
import { UsageError, type Io } from './io.js';
import { colors, renderReport } from './report.js';

export function header(value: string, previous: Record<string, string>): Record<string, string> {
  const i = value.indexOf(':');
  if (i <= 0) throw new UsageError(`--header takes "Name: value", not "${value}"`);
  return { ...previous, [value.slice(0, i).trim()]: value.slice(i + 1).trim() };
}

/** `--call TOOL` or `--call 'TOOL={"json":"arguments"}'` (repeatable). */
export function toolCall(value: string, previous: ToolCallSpec[]): ToolCallSpec[] {
  const i = value.indexOf('=');
  const tool = (i < 0 ? value : value.slice(0, i)).trim();
  if (!tool) throw new UsageError(`--call takes TOOL or TOOL='{"arg":"value"}', not "${value}"`);
  let args: unknown = {};
  if (i >= 0) {
    try {
      args = JSON.parse(value.slice(i + 1));
    } catch {
      throw new UsageError(`--call ${tool}: the arguments after = are not JSON`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args))
      throw new UsageError(`--call ${tool}: the arguments must be a JSON object`);
  }
  return [...previous, { tool, arguments: args as Record<string, unknown> }];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--min-tools takes a whole number, not "${value}"`);
  return n;
}

export function probeCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('probe')
    .description(
      'probe one MCP endpoint layer by layer: transport, http, initialize, tools/list (and tool calls with --call)',
    )
    .argument('<url>', 'the MCP endpoint, e.g. https://mcp.example.com/mcp')
    .option('--json', 'print the ProbeResult as JSON (the only thing on stdout)')
    .option(
      '-H, --header <name:value>',
      'add a request header (repeatable), e.g. "Authorization: Bearer …"',
      header,
      {},
    )
    .option('--ca <file>', 'PEM file of extra trusted CA certificates')
    .option('--timeout <duration>', 'total deadline: 10s, 500ms, 2m', '10s')
    .option('--min-tools <n>', 'fail tools_list when fewer tools are listed', positiveInt)
    .option(
      '--call <tool[=json]>',
      'call a tool after tools/list (repeatable); only tools annotated readOnlyHint: true are called',
      toolCall,
      [],
    )
    .option('--allow-write', 'let --call call tools that are not annotated readOnlyHint: true')
    .option('--follow-redirects', 'follow up to 5 redirects (by default a redirect is a failure)')
    .addOption(
      new Option('--era <era>', 'pin the protocol era instead of detecting it')
        .choices(['auto', 'stateless', 'streamable-http', 'sse'])
        .default('auto'),
    )
    .option(
      '--block-private',
      'refuse private, loopback and link-local addresses (as the public monitor does)',
    )
    .addHelpText(
      'after',
      `
Exit status: 0 healthy, 1 unhealthy, 2 bad usage.

Examples:
  mcpwatch probe http://127.0.0.1:3001/mcp
  mcpwatch probe https://mcp.example.com/mcp -H "Authorization: Bearer $TOKEN" --timeout 5s
  mcpwatch probe https://mcp.example.com/mcp --json | jq .failure
  mcpwatch probe http://127.0.0.1:3001/mcp --call 'echo={"message":"ping"}'`,
    )
    .action(
      async (
        url: string,
        o: {
          json?: boolean;
          header: Record<string, string>;
          ca?: string;
          timeout: string;
          minTools?: number;
          followRedirects?: boolean;
          era: EraPin;
          blockPrivate?: boolean;
          call: ToolCallSpec[];
          allowWrite?: boolean;
        },
      ) => {
        let timeoutMs: number;
        try {
          timeoutMs = parseDuration(o.timeout);
        } catch (err) {
          throw new UsageError(`--timeout: ${(err as Error).message}`);
        }
        if (timeoutMs <= 0) throw new UsageError('--timeout must be more than 0');
        let ca: string | undefined;
        if (o.ca) {
          try {
            ca = readFileSync(o.ca, 'utf8');
          } catch (err) {
            throw new UsageError(
              `--ca: cannot read ${o.ca} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
            );
          }
        }
        try {
          const result = await probe(url, {
            headers: o.header,
            ca,
            timeoutMs,
            minTools: o.minTools,
            followRedirects: Boolean(o.followRedirects),
            era: o.era,
            blockPrivateAddresses: Boolean(o.blockPrivate),
            ...(o.call.length
              ? { calls: o.call.map((c) => ({ ...c, allowWrite: Boolean(o.allowWrite) })) }
              : {}),
          });
          if (o.json) io.out(JSON.stringify(result, null, 2));
          else io.out(renderReport(result, io.tty ? colors : undefined), io.tty);
          setExit(result.ok ? 0 : 1);
        } catch (err) {
          if (err instanceof ProbeUsageError) throw new UsageError(err.message);
          throw err;
        }
      },
    );
}
