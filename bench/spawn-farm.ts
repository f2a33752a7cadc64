/** Starts the endpoint farm (bench/farm.ts) in its own process and returns where it listens. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface Farm {
  http: string;
  https: string;
  ca: string;
  stop(): void;
}

export async function spawnFarm(): Promise<Farm> {
  const farm = spawn(process.execPath, ['--import', 'tsx', new URL('./farm.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: farm.stdout! }), 'line')) as [string];
  const where = JSON.parse(line) as Omit<Farm, 'stop'>;
  return { ...where, stop: () => farm.kill('SIGTERM') };
}
