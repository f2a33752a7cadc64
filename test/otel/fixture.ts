/**
 * The whole of `serve` for the OpenTelemetry tests, on real time: the monitor over a SQLite file,
 * probing the real demo MCP server on loopback, the tool telemetry, and the web face on port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { MonitorViewAdapter } from '../../src/monitor/view.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { ToolTelemetry } from '../../src/telemetry/telemetry.js';
import { createToken, startWeb } from '../../src/web/index.js';

export interface Served {
  url: string;
  store: Store;
  monitor: Monitor;
  telemetry: ToolTelemetry;
  /** Tokens of each scope. */
  tokens: { ingest: string; read: string; admin: string };
  close(): Promise<void>;
}

/** `telemetry` is the YAML of servers[0].telemetry (flow style), e.g. `{ serviceName: docs-svc }`. */
export async function serve(telemetry = '{}', top = ''): Promise<Served> {
  const demo: DemoServer = await startDemoServer({});
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-otel-'));
  const yaml = `storage: { sqlite: ${join(dir, 'db.sqlite')} }
${top}
servers:
  - name: docs
    url: ${demo.url}
    telemetry: ${telemetry}
`;
  const { config, problems } = parseConfig(yaml, {});
  if (problems.length || !config) throw new Error(JSON.stringify(problems));
  const store = openSqliteStore(join(dir, 'db.sqlite'));
  const log = pino({ level: 'silent' });
  const monitor = new Monitor({ config, store, log });
  const tools = new ToolTelemetry({
    servers: () => monitor.servers(),
    now: () => monitor.now(),
    judge: (name, judge) => monitor.judgeTools(name, judge),
    maxBodyBytes: config.telemetry?.maxBodyBytes,
    maxToolsPerServer: config.telemetry?.maxToolsPerServer,
    everyMs: 500,
  });
  const view = new MonitorViewAdapter(monitor, { telemetry: tools });
  await monitor.start();
  tools.start();
  const web = await startWeb(view, { port: 0, host: '127.0.0.1' });
  const tokens = {
    ingest: await createToken(store, 'otel', 'ingest'),
    read: await createToken(store, 'reader', 'read'),
    admin: await createToken(store, 'admin', 'admin'),
  };
  return {
    url: web.url,
    store,
    monitor,
    telemetry: tools,
    tokens,
    async close() {
      await web.app.close();
      await tools.stop();
      await monitor.stop();
      await store.close();
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
