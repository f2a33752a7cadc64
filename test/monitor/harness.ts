/**
 * A monitor on a fake clock over a real SQLite file, monitoring the real demo MCP server whose /hook
 * receives the alerts: the example config as a newcomer runs it, with time under the test's control.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { Monitor, type MonitorDeps } from '../../src/monitor/monitor.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { FakeClock, settle } from '../scheduler/fake-clock.js';

export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
export const silent = pino({ level: 'silent' });

export interface Alert {
  type: string;
  data: { kind: string; severity: string; server: string; incidentId: string; summary: string };
}

export interface Harness {
  demo: DemoServer;
  alerts: Alert[];
  clock: FakeClock;
  config: Config;
  dir: string;
  open(extra?: Partial<MonitorDeps>): Promise<{ monitor: Monitor; store: Store }>;
  /** Advances the fake clock in steps, letting real I/O (probes, deliveries) finish at each step. */
  run(ms: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Waits (real time) until `check` holds, for I/O that the fake clock does not drive. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function harness(
  file = 'examples/mcpwatch.yaml',
  env: Record<string, string> = {},
): Promise<Harness> {
  const alerts: Alert[] = [];
  const demo = await startDemoServer({ onAlert: (a) => alerts.push(a as Alert) });
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-monitor-'));
  const loaded = loadConfig(file, {
    DEMO_MCP_URL: demo.url,
    DEMO_HOOK_URL: demo.url.replace(/\/mcp$/, '/hook'),
    ...env,
  });
  const config: Config = { ...loaded, storage: { sqlite: join(dir, 'mcpwatch.db') } };
  const clock = new FakeClock(T0);
  const opened: { monitor: Monitor; store: Store }[] = [];
  let busy: Promise<void> = Promise.resolve();
  return {
    demo,
    alerts,
    clock,
    config,
    dir,
    async open(extra = {}) {
      const store = openSqliteStore((config.storage as { sqlite: string }).sqlite);
      const monitor = new Monitor({ config, store, log: silent, clock, ...extra });
      opened.push({ monitor, store });
      await monitor.start();
      return { monitor, store };
    },
    async run(ms, stepMs = 1_000) {
      busy = busy.then(async () => {
        const end = clock.now() + ms;
        while (clock.now() < end) {
          await clock.advance(Math.min(stepMs, end - clock.now()));
          // Real probes and deliveries are I/O: let them land before time moves on.
          await settle();
          const current = opened.at(-1);
          if (current) {
            await until(() => current.monitor.stats().scheduler.inFlight === 0);
            await until(async () => (await current.store.dueOutbox(clock.now(), 1)).length === 0);
          }
        }
      });
      return busy;
    },
    async close() {
      for (const o of opened) {
        await o.monitor.stop().catch(() => {});
        await o.store.close().catch(() => {});
      }
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
