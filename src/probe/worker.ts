/**
 * A probe worker thread: runs the probes the pool (monitor/probe-pool.ts) sends it and posts their
 * outcomes back in batches, one message per turn of its event loop. It keeps no state between
 * probes but its era cache, which the main thread seeds and reads back per URL.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { probeDetailed } from './probe.js';
import type { FromWorker, ProbeReply, ProbeRequest, ToWorker } from './worker-protocol.js';
import type { EraPin, ProbeOutcome } from './types.js';

if (!parentPort) throw new Error('probe/worker.ts runs as a worker thread of the probe pool');
const port = parentPort;

const eraCache = new Map<string, EraPin>();
/** The CAs the pool has sent, by id (worker-protocol.ts). */
const cas = new Map<number, string>();
const running = new Map<number, AbortController>();
let outbox: ProbeReply[] = [];
let flushing = false;

function send(message: FromWorker): void {
  port.postMessage(message);
}

function flush(): void {
  flushing = false;
  const replies = outbox;
  outbox = [];
  if (replies.length > 0) send({ type: 'results', replies });
}

function reply(id: number, url: string, outcome: ProbeOutcome): void {
  outbox.push({ id, outcome, era: eraCache.get(url) ?? null });
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

async function run(req: ProbeRequest): Promise<void> {
  const controller = new AbortController();
  if (req.aborted) controller.abort(new Error('the probe was cancelled before it started'));
  running.set(req.id, controller);
  if (req.era) eraCache.set(req.url, req.era);
  else eraCache.delete(req.url);
  try {
    const { caId, ...opts } = req.opts;
    const ca = caId === undefined ? undefined : cas.get(caId);
    if (caId !== undefined && ca === undefined) throw new Error(`probe worker: CA ${caId} was never sent`);
    const outcome = await probeDetailed(req.url, { ...opts, ca, eraCache, signal: controller.signal });
    reply(req.id, req.url, outcome);
  } finally {
    running.delete(req.id);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'probe':
      // probeDetailed never rejects for anything the remote side does; a rejection is a bug of
      // ours, and crashing the worker makes the pool report it as a classified failure.
      for (const req of message.requests)
        run(req).catch((err: unknown) =>
          setImmediate(() => {
            throw err;
          }),
        );
      break;
    case 'ca':
      cas.set(message.id, message.pem);
      break;
    case 'abort':
      for (const id of message.ids) running.get(id)?.abort(new Error('the probe was cancelled'));
      break;
    case 'ping':
      {
        const m = process.memoryUsage();
        const limit = getHeapStatistics().heap_size_limit;
        send({ type: 'pong', heap: { used: m.heapUsed, total: m.heapTotal, external: m.external, limit } });
      }
      break;
    case 'close':
      port.close();
      break;
  }
});

send({ type: 'ready' });
