/**
 * `npm run bench`: every benchmark, one table each. BENCH_ONLY=engine,store limits the set; the
 * monitor benchmark (10,000 endpoints for 150 s) honours BENCH_ENDPOINTS and BENCH_SECONDS.
 */
import { benchEngine } from './engine.js';
import { printTable, type BenchFigure } from './figure.js';
import { benchMonitor } from './monitor.js';
import { benchProbe } from './probe.js';
import { benchStore } from './store.js';
import { benchWeb } from './web.js';

const benches: [string, string, () => Promise<BenchFigure[]>][] = [
  ['probe', 'probe: one probe, side by side', () => benchProbe()],
  ['engine', 'engine: probe results judged', benchEngine],
  ['store', 'store: SQLite writes and reads', benchStore],
  ['web', 'web: status page and dashboard', benchWeb],
  ['monitor', 'monitor: scheduler + prober at scale', () => benchMonitor()],
];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
for (const [key, title, run] of benches) {
  if (only && !only.includes(key)) continue;
  const started = Date.now();
  printTable(title, await run());
  console.log(`(${key}: ${Math.round((Date.now() - started) / 1000)} s)\n`);
}
