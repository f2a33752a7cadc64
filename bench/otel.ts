/**
 * OpenTelemetry ingest benchmark (issue 14):
 * - decode + map + window, in process: protobuf and JSON ExportTraceServiceRequests of 512 spans (an
 *   SDK's default batch) over 20 tools, through decodeRequest → readTraceRequest → ToolTelemetry
 *   (with the tool rules judged after every batch): spans per second and CPU µs per span;
 * - the whole receiver over loopback HTTP: `serve` (monitor, SQLite, the real demo MCP server) with
 *   4 requests in flight, protobuf, JSON and gzip protobuf: spans per second, CPU share of one core,
 *   and peak RSS;
 * - memory of the windows at their bound: 100 servers × 100 tools with calls in every 10 s bucket of
 *   the last 5 min, every minute of the hour and every 15 min of the day.
 * BENCH_SECONDS (default 5) is the time of each measured phase.
 * Run directly: node --import tsx bench/otel.ts
 */
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { buildTelemetry } from '../src/config/build-server.js';
import type { ServerConfig } from '../src/config/types.js';
import { decodeRequest } from '../src/otel/body.js';
import { encodeBinary, otlpTypes } from '../src/otel/proto.js';
import { readTraceRequest } from '../src/otel/spans.js';
import { judgeTools } from '../src/telemetry/tool-rules.js';
import { ToolTelemetry } from '../src/telemetry/telemetry.js';
import { serve } from '../test/otel/fixture.js';
import { printTable, type BenchFigure } from './figure.js';
import { requireGc } from './gc.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BATCH = 512;
const round = (v: number, d = 0): number => Math.round(v * 10 ** d) / 10 ** d;

const gc = requireGc();

function batch(service: string): Record<string, unknown> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = 0; i < BATCH; i++) {
    const attributes = [
      { key: 'mcp.method.name', value: { stringValue: 'tools/call' } },
      { key: 'gen_ai.tool.name', value: { stringValue: `tool_${i % 20}` } },
      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
      { key: 'mcp.session.id', value: { stringValue: `session-${i % 7}` } },
      { key: 'jsonrpc.request.id', value: { stringValue: String(i) } },
    ];
    if (i % 10 === 0) attributes.push({ key: 'error.type', value: { stringValue: 'tool_error' } });
    spans.push({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: `tools/call tool_${i % 20}`,
      kind: 2,
      startTimeUnixNano: String(now - BigInt(1 + (i % 50)) * 1_000_000n),
      endTimeUnixNano: String(now),
      attributes,
      status: i % 10 === 0 ? { code: 2 } : {},
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'mcp' }, spans }],
      },
    ],
  };
}

function inProcess(): BenchFigure[] {
  const server = { name: 'docs', telemetry: buildTelemetry('docs', {}) } as ServerConfig;
  const telemetry = new ToolTelemetry({
    servers: () => [server],
    now: () => Date.now(),
    judge: async (_name, judge) => void judge(null),
  });
  const request = batch('docs');
  const bodies = {
    protobuf: encodeBinary(otlpTypes().traceRequest, request),
    json: Buffer.from(JSON.stringify(request)),
  };
  const out: BenchFigure[] = [];
  for (const encoding of ['protobuf', 'json'] as const) {
    const body = bodies[encoding];
    for (let i = 0; i < 20; i++)
      telemetry.ingestSpans(readTraceRequest(decodeRequest('traces', encoding, body)));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let spans = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      const r = telemetry.ingestSpans(readTraceRequest(decodeRequest('traces', encoding, body)));
      if (r.accepted !== BATCH) throw new Error(`accepted ${r.accepted}`);
      spans += BATCH;
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    out.push(
      {
        name: `in process, ${encoding} (${BATCH}-span batches)`,
        value: round(spans / secs),
        unit: 'spans/s',
      },
      { name: `  CPU per span, ${encoding}`, value: round((cpu.user + cpu.system) / spans, 2), unit: 'µs' },
    );
  }
  out.push({
    name: '  body of one batch, protobuf / json',
    value: bodies.protobuf.length,
    unit: `B / ${bodies.json.length}`,
  });
  return out;
}

async function overHttp(): Promise<BenchFigure[]> {
  const s = await serve('{ serviceName: docs-svc }', 'telemetry: { maxBodyBytes: 4194304 }');
  const request = batch('docs-svc');
  const proto = encodeBinary(otlpTypes().traceRequest, request);
  const kinds: [string, Buffer, Record<string, string>][] = [
    ['protobuf', proto, { 'Content-Type': 'application/x-protobuf' }],
    ['json', Buffer.from(JSON.stringify(request)), { 'Content-Type': 'application/json' }],
    [
      'gzip protobuf',
      gzipSync(proto),
      { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
    ],
  ];
  const out: BenchFigure[] = [];
  let peakRss = 0;
  try {
    for (const [name, body, type] of kinds) {
      const headers = { ...type, Authorization: `Bearer ${s.tokens.ingest}` };
      const send = async (): Promise<void> => {
        const res = await fetch(`${s.url}/v1/traces`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      };
      for (let i = 0; i < 20; i++) await send();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let requests = 0;
      const worker = async (): Promise<void> => {
        while (performance.now() - t0 < SECONDS * 1000) {
          await send();
          requests++;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const secs = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      out.push(
        {
          name: `HTTP loopback, ${name}, 4 in flight`,
          value: round((requests * BATCH) / secs),
          unit: 'spans/s',
        },
        {
          name: `  CPU (client + server in one process), ${name}`,
          value: round(((cpu.user + cpu.system) / 1e6 / secs) * 100),
          unit: '% of a core',
        },
      );
    }
    const tools = s.telemetry.tools('docs')!;
    if (tools.length !== 20) throw new Error(`${tools.length} tools`);
  } finally {
    await s.close();
  }
  out.push({ name: '  peak RSS during the HTTP runs', value: round(peakRss / 2 ** 20, 1), unit: 'MiB' });
  return out;
}

function memoryAtBound(): BenchFigure[] {
  const SERVERS = 100;
  const TOOLS = 100;
  const servers = Array.from({ length: SERVERS }, (_, i) => ({
    name: `s${i}`,
    telemetry: buildTelemetry(`s${i}`, {}),
  })) as ServerConfig[];
  let now = Date.UTC(2026, 0, 1);
  const telemetry = new ToolTelemetry({ servers: () => servers, now: () => now, judge: async () => {} });
  gc();
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers; // the latency counters are typed arrays, outside the JS heap
  };
  const before = used();
  const start = now;
  // every 15 min of a day, then every minute of the last hour, then every 10 s of the last 5 min
  const times: number[] = [];
  for (let t = start; t < start + 86_400_000 - 3_600_000; t += 15 * 60_000) times.push(t);
  for (let t = start + 86_400_000 - 3_600_000; t < start + 86_400_000 - 300_000; t += 60_000) times.push(t);
  for (let t = start + 86_400_000 - 300_000; t < start + 86_400_000; t += 10_000) times.push(t);
  for (const at of times) {
    now = at;
    for (const s of servers) {
      const calls = [];
      for (let k = 0; k < TOOLS; k++)
        calls.push({
          service: s.name,
          tool: `tool_${k}`,
          ok: k % 9 !== 0,
          errorType: k % 9 ? null : 'tool_error',
          durationMs: 5 + ((k * 37) % 400),
          endMs: at,
        });
      telemetry.ingestSpans({ calls, spans: calls.length, rejected: 0, reasons: new Map() });
    }
  }
  gc();
  const heap = used() - before;
  const t0 = performance.now();
  for (const s of servers)
    judgeTools(
      (telemetry as unknown as { windows: Map<string, never> }).windows.get(s.name)!,
      s.telemetry!,
      now,
      null,
    );
  const judgeMs = performance.now() - t0;
  return [
    {
      name: `windows of ${SERVERS} servers × ${TOOLS} tools, every bucket filled (heap + typed arrays)`,
      value: round(heap / 2 ** 20, 1),
      unit: 'MiB',
    },
    { name: '  per tool', value: round(heap / SERVERS / TOOLS / 1024, 1), unit: 'KiB' },
    { name: `  judging all ${SERVERS} servers once`, value: round(judgeMs, 1), unit: 'ms' },
  ];
}

const figures = [...inProcess(), ...(await overHttp()), ...memoryAtBound()];
printTable('OpenTelemetry ingest', figures);
