/** `mcpwatch incidents`: incidents with severity, status, trigger, layer, code and timeline. */
import { Command } from 'commander';
import { incidentJson } from '../engine/incident-json.js';
import { isoOrNull as iso } from '../util/iso.js';
import { DEFAULT_CONFIG, readConfig, readStore } from './config-option.js';
import type { Io } from './io.js';
import { table } from './table.js';

export function incidentsCommand(io: Io): Command {
  return new Command('incidents')
    .description('incidents, newest first, with severity, status, trigger, layer, code and timeline')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option('--json', 'print an array of incidents')
    .option('--open', 'only incidents that are not resolved')
    .option('--server <name>', 'only this server')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: { config: string; json?: boolean; open?: boolean; server?: string; limit: string }) => {
      const config = readConfig(o.config);
      const store = await readStore(config);
      try {
        const incidents = await store.listIncidents({
          open: o.open ? true : undefined,
          server: o.server,
          limit: Math.max(1, Number(o.limit) || 50),
        });
        if (o.json) return io.out(JSON.stringify(incidents.map(incidentJson), null, 2));
        if (incidents.length === 0) return io.out(o.open ? 'no open incidents' : 'no incidents');
        io.out(
          table(
            ['ID', 'SEV', 'STATUS', 'SERVER', 'TRIGGER', 'FAILURE', 'OPENED', 'RESOLVED'],
            incidents.map((i) => [
              i.id,
              i.severity,
              i.status,
              i.server,
              i.trigger,
              i.layer ? `${i.layer}/${i.code}` : '-',
              iso(i.openedAt)!.slice(0, 19),
              i.resolvedAt ? iso(i.resolvedAt)!.slice(0, 19) : '-',
            ]),
          ),
        );
        if (incidents.length === 1 || o.server) {
          for (const i of incidents.slice(0, 1)) {
            io.out(`\ntimeline of ${i.id}:`);
            for (const e of i.timeline)
              io.out(`  ${iso(e.at)!.slice(0, 19)}  ${e.kind.padEnd(16)} ${e.message}`);
          }
        }
      } finally {
        await store.close();
      }
    });
}
