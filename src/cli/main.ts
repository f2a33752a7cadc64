/** The `mcpwatch` command line: parse, dispatch, map errors to exit codes (2 = bad usage). */
import { Command, CommanderError } from 'commander';
import { processIo, UsageError, type Io } from './io.js';
import { ackCommand } from './ack-command.js';
import { checkConfigCommand } from './check-config-command.js';
import { incidentsCommand } from './incidents-command.js';
import { notifyTestCommand } from './notify-test-command.js';
import { probeCommand } from './probe-command.js';
import { serveCommand } from './serve-command.js';
import { statusCommand } from './status-command.js';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exit = 0;
  const setExit = (code: number) => {
    exit = code;
  };
  const program = new Command('mcpwatch')
    .description('Layered monitoring for MCP servers')
    .version('0.1.0')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showSuggestionAfterError();
  const commands = [
    probeCommand(io, setExit),
    serveCommand(io, setExit),
    statusCommand(io),
    incidentsCommand(io),
    checkConfigCommand(io, setExit),
    ackCommand(io, setExit),
    notifyTestCommand(io, setExit),
  ];
  for (const cmd of commands) {
    program.addCommand(cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) }));
  }
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.err(`mcpwatch: ${err.message}`);
      return 2;
    }
    io.err(`mcpwatch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
