/**
 * `npm run bench`: every benchmark, one table each, each in its own process so that one's memory
 * never shows in another's peak RSS. BENCH_ONLY=probe,engine,store,web,monitor,serve,otel,registry picks some; the
 * monitor and serve benchmarks (10,000 endpoints for 150 s) honour BENCH_ENDPOINTS and BENCH_SECONDS.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['probe', 'engine', 'store', 'web', 'monitor', 'serve', 'otel', 'registry'];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
let failed = 0;
for (const name of BENCHES) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
  console.log(
    `(${name}: ${Math.round((Date.now() - started) / 1000)} s${run.status !== 0 ? `, exit ${run.status}` : ''})\n`,
  );
}
process.exitCode = failed === 0 ? 0 : 1;
