/** `mcpwatch check-config`: every problem of the config with its path and line. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { checkChannels } from '../alerts/index.js';
import { checkConfig, formatProblem, parseConfig } from '../config/index.js';
import { DEFAULT_CONFIG } from './config-option.js';
import { UsageError, type Io } from './io.js';

export function checkConfigCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('check-config')
    .description('report every problem of the config with its path and line (exit 1 when there are errors)')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .action((o: { config: string }) => {
      let text: string;
      try {
        text = readFileSync(o.config, 'utf8');
      } catch (err) {
        throw new UsageError(
          `cannot read ${o.config} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        );
      }
      const problems = checkConfig(text, process.env, { file: o.config });
      const { config } = parseConfig(text, process.env, { file: o.config });
      const channelErrors = config ? checkChannels(config.channels) : [];
      for (const p of problems) io.out(formatProblem(p, o.config));
      for (const e of channelErrors) io.out(`${o.config}: ${e.message}`);
      const errors = problems.filter((p) => p.severity === 'error').length + channelErrors.length;
      const warnings = problems.length - problems.filter((p) => p.severity === 'error').length;
      io.out(
        errors === 0
          ? `${o.config}: ok${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''} · ${config?.servers.length ?? 0} servers, ${config?.channels.length ?? 0} channels`
          : `${o.config}: ${errors} error${errors > 1 ? 's' : ''}`,
      );
      setExit(errors === 0 ? 0 : 1);
    });
}
