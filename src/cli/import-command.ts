/** `mcpwatch import --registry URL`: `servers:` entries for every public remote an MCP Registry lists. */
import { existsSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { RegistryError } from '../registry/errors.js';
import { importFromRegistry, importYaml, missingOf, summary } from '../registry/import.js';
import { UsageError, type Io } from './io.js';

export function importCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('import')
    .description('write `servers:` entries for the remote MCP servers an MCP Registry lists')
    .requiredOption('--registry <url>', 'the registry, e.g. https://registry.modelcontextprotocol.io')
    .option('--search <text>', 'only servers whose name contains this (the registry’s search)')
    .option('--limit <n>', 'at most this many servers')
    .option('-o, --output <file>', 'write the YAML to this new file instead of stdout')
    .option('--timeout <ms>', 'deadline of each registry request in ms', '30000')
    .addHelpText(
      'after',
      `
Latest versions of active entries only. Each streamable-http or sse remote becomes a server (era
sse for sse remotes, auto for streamable-http); remotes with the same URL are merged. Remotes whose
URL has {variables} or that need headers are written as commented-out entries to complete, and
listed on stderr; entries with packages only (run locally), deprecated or deleted ones are skipped.
Exit status: 0 written, 1 the registry is down or answered garbage (nothing written), 2 bad usage.

Examples:
  mcpwatch import --registry https://registry.modelcontextprotocol.io > servers.yaml
  mcpwatch import --registry https://registry.modelcontextprotocol.io --search github --limit 20 -o github.yaml`,
    )
    .action(
      async (o: { registry: string; search?: string; limit?: string; output?: string; timeout: string }) => {
        const limit = o.limit === undefined ? undefined : Number(o.limit);
        if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
          throw new UsageError(`--limit takes a whole number >= 1, not "${o.limit}"`);
        const timeoutMs = Number(o.timeout);
        if (!(Number.isInteger(timeoutMs) && timeoutMs >= 1))
          throw new UsageError(`--timeout takes milliseconds, not "${o.timeout}"`);
        if (o.output !== undefined && existsSync(o.output))
          throw new UsageError(`${o.output} exists already: pick a new file (import never overwrites)`);
        let result: Awaited<ReturnType<typeof importFromRegistry>>;
        try {
          result = await importFromRegistry(o.registry, {
            ...(o.search !== undefined ? { search: o.search } : {}),
            ...(limit !== undefined ? { limit } : {}),
            timeoutMs,
          });
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err;
          if (err.code === 'bad_url') throw new UsageError(`--registry: ${err.message}`);
          io.err(`mcpwatch: registry ${err.code}: ${err.message} (${err.url}); nothing written`);
          setExit(1);
          return;
        }
        const yaml = importYaml(result, {
          registry: o.registry,
          ...(o.search !== undefined ? { search: o.search } : {}),
          at: new Date().toISOString(),
        });
        if (o.output === undefined) io.out(yaml);
        else {
          try {
            writeFileSync(o.output, yaml, { flag: 'wx' });
          } catch (err) {
            throw new UsageError(`cannot write ${o.output} (${(err as NodeJS.ErrnoException).code ?? err})`);
          }
        }
        for (const n of result.plan.needsConfig)
          io.err(`needs configuration: ${n.name} (${n.registryName}) ${n.url}: ${missingOf(n)}`);
        io.err(`mcpwatch import: ${summary(result)}${o.output ? `; written to ${o.output}` : ''}`);
        setExit(0);
      },
    );
}
