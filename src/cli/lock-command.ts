/** `mcpwatch lock URL…`: record each server's tool surface in a lock file for `mcpwatch verify`. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { ProbeUsageError } from '../probe/index.js';
import { DEFAULT_LOCK_FILE, serializeLock } from '../lock/lock-file.js';
import { takeLock } from '../lock/verify.js';
import { UsageError, type Io } from './io.js';
import { probeOptions, withSurfaceOptions, type SurfaceFlags } from './surface-options.js';

export function lockCommand(io: Io, setExit: (code: number) => void): Command {
  return withSurfaceOptions(
    new Command('lock')
      .description("record each server's tool surface in a lock file, for `mcpwatch verify` in CI")
      .argument('<url...>', 'the MCP endpoints, e.g. https://mcp.example.com/mcp')
      .option('-o, --output <file>', 'where to write the lock', DEFAULT_LOCK_FILE),
  )
    .addHelpText(
      'after',
      `
Nothing is written unless every server answered. Exit status: 0 written, 2 a server could not be
probed or bad usage. Headers are used for the probes and never written to the lock.

Examples:
  mcpwatch lock http://127.0.0.1:3001/mcp
  mcpwatch lock https://a.example.com/mcp https://b.example.com/mcp -o mcp.lock.json`,
    )
    .action(async (urls: string[], o: SurfaceFlags & { output: string }) => {
      const opts = probeOptions(o);
      let taken: Awaited<ReturnType<typeof takeLock>>;
      try {
        taken = await takeLock(urls, opts);
      } catch (err) {
        if (err instanceof ProbeUsageError) throw new UsageError(err.message);
        throw err;
      }
      const { lock, failed } = taken;
      if (failed.length === 0) {
        try {
          writeFileSync(o.output, serializeLock(lock));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          throw new UsageError(`cannot write ${o.output} (${code})`);
        }
      }
      if (o.json) {
        io.out(
          JSON.stringify(
            { file: o.output, written: failed.length === 0, servers: lock.servers, failed },
            null,
            2,
          ),
        );
      } else {
        for (const f of failed)
          io.err(`mcpwatch: ${f.url}: ${f.error!.layer}/${f.error!.code}: ${f.error!.message}`);
        if (failed.length === 0) {
          const tools = lock.servers.reduce((n, s) => n + s.tools.length, 0);
          io.out(
            `locked ${lock.servers.length} server${lock.servers.length === 1 ? '' : 's'} (${tools} tool${tools === 1 ? '' : 's'}) in ${o.output}`,
          );
        } else io.err(`mcpwatch: nothing written: ${failed.length} of ${urls.length} could not be probed`);
      }
      setExit(failed.length === 0 ? 0 : 2);
    });
}
