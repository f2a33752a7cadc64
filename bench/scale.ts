/**
 * Scale runs: the monitor benchmark (or the serve benchmark) at several sizes, in the main thread and
 * with probe workers, each run in its own process, one after another; prints one table with a column
 * per run. Run: `node --import tsx bench/scale.ts` with
 *   BENCH_SCALE=monitor|serve        which benchmark (default monitor)
 *   BENCH_SIZES=10000,20000,50000    endpoints per run
 *   BENCH_WORKER_COUNTS=0,2          probe workers per run (0: in the main thread)
 *   BENCH_SECONDS=150                length of each run (the first interval is the warm-up)
 * and the benchmark's own BENCH_PLAIN / BENCH_INTERVAL_S.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './figure.js';

const bench = process.env.BENCH_SCALE ?? 'monitor';
const sizes = (process.env.BENCH_SIZES ?? '10000,20000,50000').split(',').map(Number);
const workerCounts = (process.env.BENCH_WORKER_COUNTS ?? '0,2').split(',').map(Number);
const file = fileURLToPath(new URL(`./${bench}.ts`, import.meta.url));

const runs: { label: string; figures: BenchFigure[] }[] = [];
for (const size of sizes)
  for (const workers of workerCounts) {
    const label = `${size / 1000}k ${workers === 0 ? 'in-thread' : `${workers} workers`}`;
    console.error(`running ${bench} at ${label} ...`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
      env: { ...process.env, BENCH_ENDPOINTS: String(size), BENCH_WORKERS: String(workers), BENCH_JSON: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 2 ** 20,
    });
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    try {
      runs.push({ label, figures: JSON.parse(line) as BenchFigure[] });
    } catch {
      console.error(`${label}: no figures (exit ${run.status})`);
    }
  }

const names: string[] = [];
for (const r of runs) for (const f of r.figures) if (!names.includes(f.name)) names.push(f.name);
const width = Math.max(...names.map((n) => n.length));
const col = Math.max(12, ...runs.map((r) => r.label.length));
console.log(
  `${bench} benchmark at scale`.padEnd(width) + runs.map((r) => `  ${r.label.padStart(col)}`).join(''),
);
for (const name of names) {
  const unit = runs.flatMap((r) => r.figures.filter((f) => f.name === name))[0]?.unit ?? '';
  const cells = runs.map((r) => String(r.figures.find((f) => f.name === name)?.value ?? '').padStart(col));
  console.log(`${name.padEnd(width)}${cells.map((c) => `  ${c}`).join('')}  ${unit}`);
}
