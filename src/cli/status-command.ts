/**
 * `mcpwatch status`: each server's state, failing layer, error rates, p95 and SLO budget left, read
 * from the store that a running `serve` writes (its engine state, saved at least every minute).
 */
import { Command } from 'commander';
import { statusEntries } from '../monitor/saved-status.js';
import { DEFAULT_CONFIG, readConfig, readStore } from './config-option.js';
import type { Io } from './io.js';
import { table } from './table.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : 1)}%`);
export function statusCommand(io: Io): Command {
  return new Command('status')
    .description('each server: state, failing layer, error rates per window, p95, SLO budget left')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option('--json', 'print an array of status entries')
    .action(async (o: { config: string; json?: boolean }) => {
      const config = readConfig(o.config);
      const store = await readStore(config);
      try {
        const entries = await statusEntries(config, store, Date.now());
        if (o.json) return io.out(JSON.stringify(entries, null, 2));
        io.out(
          table(
            ['SERVER', 'STATE', 'FAILING', '5M', '1H', '24H', '30D', 'P95 1H', 'SLO LEFT', 'INCIDENT'],
            entries.map((e) => [
              e.server,
              e.state,
              e.failure ? `${e.failure.layer}/${e.failure.code}` : '-',
              pct(e.errorRate['5m']),
              pct(e.errorRate['1h']),
              pct(e.errorRate['24h']),
              pct(e.errorRate['30d']),
              e.p95Ms['1h'] === null ? '-' : `${Math.round(e.p95Ms['1h'])} ms`,
              `${(e.slo.remainingBudget * 100).toFixed(1)}%`,
              e.openIncident ?? '-',
            ]),
          ),
        );
      } finally {
        await store.close();
      }
    });
}
