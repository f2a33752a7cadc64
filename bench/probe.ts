/**
 * One probe's cost, side by side in one run (alternating A and B so that machine drift hits both):
 * era detection on every probe vs the monitor's era cache, and plain HTTP vs HTTPS with an extra CA.
 * Prints per-probe wall time and CPU (this process, which also runs the demo servers) and the ratios.
 */
import { pathToFileURL } from 'node:url';
import { Client } from 'undici';
import { startDemoServer } from '../src/demo/demo-server.js';
import { probe } from '../src/probe/index.js';
import type { EraPin, ProbeOptions } from '../src/probe/types.js';
import { testCerts } from '../test/fixtures/certs.js';
import { printTable, type BenchFigure } from './figure.js';

async function measure(
  url: string,
  opts: ProbeOptions,
  n: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await probe(url, opts);
    if (!r.ok) throw new Error(`probe failed: ${JSON.stringify(r.failure)}`);
  }
  const c = process.cpuUsage(c0);
  return { wallMs: (performance.now() - t0) / n, cpuMs: (c.user + c.system) / 1000 / n };
}

/**
 * The floor: a bare undici loop doing the probe's four exchanges (initialize, initialized, tools/list,
 * session DELETE) on a new connection, with no timing, classification or checks.
 */
async function bare(
  url: string,
  ca: string | undefined,
  n: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  const u = new URL(url);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const client = new Client(u.origin, { connect: ca ? { ca } : undefined });
    const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = async (headers: Record<string, string>, body: unknown) => {
      const r = await client.request({
        path: u.pathname,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      await r.body.text();
      return r;
    };
    const init = await post(
      { ...base, 'mcp-protocol-version': '2025-11-25' },
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'bare', version: '0' },
        },
      },
    );
    const sid = init.headers['mcp-session-id'] as string;
    const h = { ...base, 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': sid };
    await post(h, { jsonrpc: '2.0', method: 'notifications/initialized' });
    const tools = await post(h, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    if (tools.statusCode !== 200) throw new Error(`bare loop: tools/list answered ${tools.statusCode}`);
    await (await client.request({ path: u.pathname, method: 'DELETE', headers: h })).body.text();
    await client.close();
  }
  const c = process.cpuUsage(c0);
  return { wallMs: (performance.now() - t0) / n, cpuMs: (c.user + c.system) / 1000 / n };
}

/** Runs A and B in alternating rounds and returns their medians per probe. */
async function sideBySide(
  a: () => Promise<{ wallMs: number; cpuMs: number }>,
  b: () => Promise<{ wallMs: number; cpuMs: number }>,
  rounds = 7,
) {
  const as: { wallMs: number; cpuMs: number }[] = [];
  const bs: { wallMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await a());
    bs.push(await b());
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return {
    a: { wallMs: median(as.map((x) => x.wallMs)), cpuMs: median(as.map((x) => x.cpuMs)) },
    b: { wallMs: median(bs.map((x) => x.wallMs)), cpuMs: median(bs.map((x) => x.cpuMs)) },
    cpuRatio: median(as.map((x, i) => x.cpuMs / bs[i]!.cpuMs)),
  };
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export async function benchProbe(n = 100): Promise<BenchFigure[]> {
  const certs = await testCerts();
  const http = await startDemoServer({ anyPath: true });
  const https = await startDemoServer({ anyPath: true, tls: certs.valid });
  try {
    const cache = new Map<string, EraPin>();
    await measure(http.url, { eraCache: cache }, 20); // warm up
    const era = await sideBySide(
      () => measure(http.url, {}, n),
      () => measure(http.url, { eraCache: cache }, n),
    );
    await measure(https.url, { ca: certs.ca, eraCache: cache }, 20);
    const tls = await sideBySide(
      () => measure(https.url, { ca: certs.ca, eraCache: cache }, n),
      () => measure(http.url, { eraCache: cache }, n),
    );
    await bare(https.url, certs.ca, 20);
    const floorHttp = await sideBySide(
      () => measure(http.url, { eraCache: cache }, n),
      () => bare(http.url, undefined, n),
    );
    const floorHttps = await sideBySide(
      () => measure(https.url, { ca: certs.ca, eraCache: cache }, n),
      () => bare(https.url, certs.ca, n),
    );
    return [
      {
        name: 'HTTP, era detected every probe: wall / CPU',
        value: r2(era.a.wallMs),
        unit: `ms / ${r2(era.a.cpuMs)} ms`,
      },
      {
        name: 'HTTP, era cached (the monitor): wall / CPU',
        value: r2(era.b.wallMs),
        unit: `ms / ${r2(era.b.cpuMs)} ms`,
      },
      { name: 'ratio detection / cached (CPU)', value: r2(era.cpuRatio), unit: '×' },
      {
        name: 'HTTPS + extra CA, era cached: wall / CPU',
        value: r2(tls.a.wallMs),
        unit: `ms / ${r2(tls.a.cpuMs)} ms`,
      },
      { name: 'ratio HTTPS / HTTP (CPU)', value: r2(tls.cpuRatio), unit: '×' },
      {
        name: 'HTTP: probe / bare undici loop, CPU',
        value: r2(floorHttp.a.cpuMs),
        unit: `ms / ${r2(floorHttp.b.cpuMs)} ms (ratio ${r2(floorHttp.cpuRatio)}×)`,
      },
      {
        name: 'HTTPS: probe / bare undici loop, CPU',
        value: r2(floorHttps.a.cpuMs),
        unit: `ms / ${r2(floorHttps.b.cpuMs)} ms (ratio ${r2(floorHttps.cpuRatio)}×)`,
      },
    ];
  } finally {
    await Promise.all([http.close(), https.close()]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable('probe benchmark (per probe, client and demo server in one process)', await benchProbe());
}
