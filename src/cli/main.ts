/**
 * The `mcpwatch` command line: parse, dispatch, map errors to exit codes (2 = bad usage). Only the
 * module of the command being run is loaded, so `mcpwatch probe` does not pay for the web server.
 */
import { Command, CommanderError } from 'commander';
import { processIo, UsageError, type Io } from './io.js';
import { VERSION } from '../util/version.js';

type Factory = (io: Io, setExit: (code: number) => void) => Command;

const COMMANDS: Record<string, () => Promise<Factory>> = {
  probe: async () => (await import('./probe-command.js')).probeCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  incidents: async () => (await import('./incidents-command.js')).incidentsCommand,
  'check-config': async () => (await import('./check-config-command.js')).checkConfigCommand,
  ack: async () => (await import('./ack-command.js')).ackCommand,
  'notify-test': async () => (await import('./notify-test-command.js')).notifyTestCommand,
  lock: async () => (await import('./lock-command.js')).lockCommand,
  verify: async () => (await import('./verify-command.js')).verifyCommand,
  mcp: async () => (await import('./mcp-command.js')).mcpCommand,
  agent: async () => (await import('./agent-command.js')).agentCommand,
  import: async () => (await import('./import-command.js')).importCommand,
  migrate: async () => (await import('./migrate-command.js')).migrateCommand,
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exit = 0;
  const setExit = (code: number) => {
    exit = code;
  };
  const output = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s) };
  const program = new Command('mcpwatch')
    .description('Layered monitoring for MCP servers')
    .version(VERSION)
    .configureOutput(output)
    .exitOverride()
    .showSuggestionAfterError();
  const asked = argv[2];
  const names = asked && asked in COMMANDS ? [asked] : Object.keys(COMMANDS);
  for (const name of names)
    program.addCommand((await COMMANDS[name]!())(io, setExit).exitOverride().configureOutput(output));
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
        ? 0
        : 2;
    }
    if (err instanceof UsageError) {
      io.err(`mcpwatch: ${err.message}`);
      return 2;
    }
    io.err(`mcpwatch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
