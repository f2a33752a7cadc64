/**
 * V8's sampling heap profiler through the inspector, counting the sampled allocations still alive and
 * those a major collection freed since (garbage that lived long enough to be promoted to the old
 * generation: what makes the peak RSS); with `all`, those the young generation freed too (every
 * allocation); with `none`, only what is still alive (what each server costs). Open the file in Chrome DevTools (Memory tab), or read its top with bench/heap-top.ts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function startHeapSampling(
  samplingInterval = 64 * 1024,
  collected: 'major' | 'all' | 'none' = 'major',
): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval,
    includeObjectsCollectedByMajorGC: collected !== 'none',
    includeObjectsCollectedByMinorGC: collected === 'all',
  } as never);
  return {
    async stop(file) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
