/** `mcpwatch serve`: scheduler, prober, engine, alerts and the web face, until SIGTERM or SIGINT. */
import { ToolTelemetry } from '../telemetry/telemetry.js';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { startDemoServer, type DemoServer } from '../demo/demo-server.js';
import { Monitor } from '../monitor/monitor.js';
import { ProbePool, probeWorkerCount } from '../monitor/probe-pool.js';
import { AgentHub } from '../monitor/agent-hub.js';
import { monitorTarget, withSources } from '../monitor/sources.js';
import { MonitorViewAdapter, withApiChanges } from '../monitor/view.js';
import { followApiChanges } from '../monitor/api-changes.js';
import { realClock } from '../scheduler/index.js';
import { leasesFor, openStore, StoreUnavailableError } from '../store/open.js';
import { createLogger } from '../util/logger.js';
import { watchStore } from '../web/store-health.js';
import {
  createWebMetrics,
  ensureFirstToken,
  ensurePostmortemDraft,
  missingPostmortems,
  startWeb,
} from '../web/index.js';
import { DEFAULT_CONFIG, readConfig } from './config-option.js';
import { UsageError, type Io } from './io.js';

export function serveCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('serve')
    .description('monitor every configured server: probes, incidents, alerts, dashboard and status pages')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option(
      '--demo',
      'also start the demo MCP server on loopback; the config refers to it as ${DEMO_MCP_URL}',
    )
    .option('--port <port>', 'listen on this port instead of server.port')
    .addHelpText(
      'after',
      '\nStops cleanly on SIGTERM or SIGINT: in-flight probes finish (or are cut at their deadline) and every result is written.',
    )
    .action(async (o: { config: string; demo?: boolean; port?: string }) => {
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
        throw new UsageError(`--port takes a port number, not "${o.port}"`);
      // Listen for the stop signals first, so that one arriving during start-up still stops cleanly.
      const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      let demo: DemoServer | null = null;
      const env = { ...process.env };
      if (o.demo) {
        const onAlert = (body: unknown) => {
          const a = body as {
            type?: string;
            data?: { severity?: string; server?: string; kind?: string; summary?: string };
          };
          io.err(
            `demo receiver: ${a.type ?? 'alert'} ${a.data?.severity ?? ''} ${a.data?.server ?? ''} ${a.data?.summary ?? ''}`.replace(
              /\s+/g,
              ' ',
            ),
          );
        };
        demo = await startDemoServer({ port: Number(process.env.DEMO_MCP_PORT ?? 3101), onAlert }).catch(() =>
          startDemoServer({ onAlert }),
        );
        env.DEMO_MCP_URL = demo.url;
        env.DEMO_HOOK_URL = demo.url.replace(/\/mcp$/, '/hook');
      }
      try {
        const file = readConfig(o.config, env);
        const log = createLogger({ pretty: io.tty });
        if (demo)
          log.info(
            { url: demo.url },
            `demo MCP server listening; break it with: curl -X POST ${demo.url.replace(/\/mcp$/, '/fault')} -d '{"mode":"down"}'`,
          );
        const store = await openStore(file.storage, { buffer: { log } }).catch((err: unknown) => {
          throw err instanceof StoreUnavailableError ? new UsageError(err.message) : err;
        });
        if ('created' in store && store.created)
          io.err(newStoreNotice((file.storage as { sqlite: string }).sqlite));
        const storeWatch = watchStore(store, log);
        const changed = await withApiChanges(file, store);
        for (const p of changed.problems)
          log.warn(`a change made through the API cannot be applied and is left out: ${p}`);
        const { config, runner: sources } = await withSources(changed.config, {
          store,
          log,
          clock: realClock,
        });
        let workers: number;
        try {
          workers = probeWorkerCount(config.scheduler.probeWorkers);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        const pool = workers > 0 ? new ProbePool({ workers, log }) : null;
        log.info(
          { probeWorkers: workers },
          workers > 0 ? `probing in ${workers} worker threads` : 'probing in the main thread',
        );
        // On PostgreSQL several serve instances split the servers by leases (docs/deployment.md).
        const monitor = new Monitor({
          config,
          store,
          log,
          maintenance: changed.maintenance,
          leases: leasesFor(store),
          ...(pool && { probe: pool.probe }),
        });
        const telemetry = new ToolTelemetry({
          servers: () => monitor.servers(),
          now: () => monitor.now(),
          judge: (name, judge) => monitor.judgeTools(name, judge),
          onError: (err, server) => log.error({ err, server }, 'judging tool calls failed'),
          maxBodyBytes: config.telemetry?.maxBodyBytes,
          maxToolsPerServer: config.telemetry?.maxToolsPerServer,
        });
        // Shared store: servers and maintenance windows changed through another instance's API.
        const apiChanges = followApiChanges(monitor, { store, log, seen: changed.seen });
        const view = new MonitorViewAdapter(monitor, {
          telemetry,
          agents: new AgentHub(monitor, log),
          apiChanges,
        });
        const metrics = createWebMetrics(view);
        monitor.setHooks({
          onProbe: (server, result) => metrics.recordProbe(result, server),
          onResolved: async (incident) => void (await ensurePostmortemDraft(store, incident)),
          missingPostmortems: (incidents, now) => missingPostmortems(store, incidents, now),
          onDelivery: (e) => {
            if (e.type !== 'error')
              metrics.recordNotification(
                e.channel,
                e.type === 'sent'
                  ? 'sent'
                  : e.type === 'retry'
                    ? 'retry'
                    : e.type === 'failed'
                      ? 'failed'
                      : 'dropped',
              );
          },
        });
        await monitor.start();
        apiChanges?.start();
        sources?.start(monitorTarget(monitor));
        telemetry.start();
        const token = await ensureFirstToken(store);
        const web = await startWeb(view, { metrics, port, logger: false });
        monitor.keeper?.setUrl(web.url);
        log.info(
          { url: web.url },
          `dashboard at ${web.url}/ · status pages at ${web.url}/status/SLUG · metrics at ${web.url}/metrics`,
        );
        if (token)
          io.err(
            `\nFirst admin API token (shown once, keep it): ${token}\nLog in to the dashboard with it, or send it as "Authorization: Bearer …".\n`,
          );

        const signal = await stopRequested;
        log.info({ signal }, 'stopping: finishing in-flight probes');
        await web.app.close();
        await telemetry.stop();
        await sources?.stop();
        await apiChanges?.stop();
        clearInterval(storeWatch);
        await monitor.stop();
        await pool?.close();
        await store.close();
        setExit(0);
      } finally {
        await demo?.close();
      }
    });
}

/**
 * Said loudly when serve creates the SQLite file: on a first start that is expected, but after the
 * file was deleted or moved it means an empty store (and a new admin token), which nobody should
 * discover days later.
 */
export function newStoreNotice(path: string): string {
  return [
    '',
    `mcpwatch: NEW EMPTY STORE: there was no SQLite file at ${resolve(path)}, so a new one was created.`,
    '  On a first start this is expected. Otherwise the file was moved or deleted: stop mcpwatch now',
    '  and restore it from a backup, or all history, incidents and API tokens are gone and a new',
    '  admin token is issued below.',
    '',
  ].join('\n');
}
