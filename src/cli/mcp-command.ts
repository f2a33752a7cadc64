/**
 * `mcpwatch mcp`: the monitor's MCP face over stdio, for agents that spawn their tools (Claude
 * Desktop, Cursor, …). It reads the store a running `serve` writes, as `mcpwatch status` does, and
 * answers the same tools as `/mcp`; probe_url only with --allow-probe. stdout carries JSON-RPC only.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Command } from 'commander';
import { createMcpServer } from '../mcp/server.js';
import { storeSource } from '../mcp/source.js';
import { DEFAULT_CONFIG, readConfig, readStore } from './config-option.js';
import type { Io } from './io.js';

export function mcpCommand(_io: Io, setExit: (code: number) => void): Command {
  return new Command('mcp')
    .description(
      'serve the monitor as an MCP server over stdio (list_servers, get_server, list_incidents, …)',
    )
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option('--allow-probe', 'also offer probe_url (probes any URL the caller names)')
    .action(async (o: { config: string; allowProbe?: boolean }) => {
      const config = readConfig(o.config);
      const store = await readStore(config);
      const server = createMcpServer(storeSource(config, store), { admin: Boolean(o.allowProbe) });
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        server.onclose = () => resolve();
        process.stdin.once('end', () => resolve());
      });
      try {
        await server.connect(transport);
        await closed;
      } finally {
        await server.close().catch(() => undefined);
        await store.close();
      }
      setExit(0);
    });
}
