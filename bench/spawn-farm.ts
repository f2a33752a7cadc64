/** Starts the endpoint farm (bench/farm.ts) in its own process and returns where it listens. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Farm {
  http: string;
  https: string;
  ca: string;
  /** CPU seconds (user + system) the farm process has used so far; NaN where /proc is not there. */
  cpuSeconds(): number;
  stop(): void;
}

export async function spawnFarm(): Promise<Farm> {
  const farm = spawn(process.execPath, ['--import', 'tsx', new URL('./farm.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: farm.stdout! }), 'line')) as [string];
  const where = JSON.parse(line) as Omit<Farm, 'stop' | 'cpuSeconds'>;
  return { ...where, cpuSeconds: () => processCpuSeconds(farm.pid!), stop: () => farm.kill('SIGTERM') };
}

/** utime + stime of a Linux process, from /proc/PID/stat (clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
