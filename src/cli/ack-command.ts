/**
 * `mcpwatch ack INCIDENT`: acknowledges an incident. When `serve` is running, the request goes through
 * it (a request row in the store that its next tick applies), so its engine and alerts agree;
 * otherwise the incident is acknowledged in the store directly and the notifications wait in the
 * outbox for the next `serve`.
 */
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { planAcknowledgement } from '../alerts/index.js';
import { acknowledge } from '../engine/index.js';
import { ACK_REQUEST_PREFIX } from '../monitor/requests.js';
import { DEFAULT_CONFIG, readConfig, readStore } from './config-option.js';
import type { Io } from './io.js';

async function serveIsUp(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`, {
      signal: AbortSignal.timeout(1_000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export function ackCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('ack')
    .description('acknowledge an incident (stops its escalation)')
    .argument('<incident>', 'the incident id, as `mcpwatch incidents` shows it')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option('--by <name>', 'who acknowledges, for the timeline', `cli:${userInfo().username}`)
    .option('--wait <seconds>', 'how long to wait for a running serve to apply it', '15')
    .action(async (id: string, o: { config: string; by: string; wait: string }) => {
      const config = readConfig(o.config);
      const store = await readStore(config);
      try {
        const incident = await store.getIncident(id);
        if (!incident) {
          io.err(`mcpwatch: no incident ${id} (see \`mcpwatch incidents\`)`);
          return setExit(1);
        }
        if (incident.acknowledgedAt !== null || incident.resolvedAt !== null) {
          io.out(
            `${id} is already ${incident.resolvedAt !== null ? 'resolved' : `acknowledged by ${incident.acknowledgedBy}`}`,
          );
          return setExit(0);
        }
        if (await serveIsUp(config.server.host, config.server.port)) {
          await store.setMeta(ACK_REQUEST_PREFIX + id, JSON.stringify({ by: o.by, at: Date.now() }));
          const until = Date.now() + Number(o.wait) * 1_000;
          while (Date.now() < until) {
            await new Promise((r) => setTimeout(r, 250));
            const now = await store.getIncident(id);
            if (now?.acknowledgedAt != null) {
              io.out(`acknowledged ${id} (by ${now.acknowledgedBy}); its escalation is stopped`);
              return setExit(0);
            }
          }
          io.err(
            `mcpwatch: the running serve did not apply the acknowledgement within ${o.wait} s; it stays queued`,
          );
          return setExit(1);
        }
        const now = Date.now();
        const change = acknowledge(incident, o.by, now);
        await store.writeJudgement({
          incidents: [change.incident],
          outbox: planAcknowledgement(change.incident, config, now),
        });
        io.out(
          `acknowledged ${id} in the store (serve is not running; the acknowledgement notifications go out when it starts)`,
        );
        setExit(0);
      } finally {
        await store.close();
      }
    });
}
