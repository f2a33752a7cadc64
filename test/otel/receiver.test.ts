/**
 * The OTLP/HTTP receiver against the specification: content types, gzip, the size cap before and
 * after decompression (413), garbage (400 with a google.rpc.Status in the request's content type),
 * tokens (401, 403), partial success for rejected spans and data points, and metrics.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { encodeBinary, otlpTypes, decodeBinary } from '../../src/otel/proto.js';
import { serve, type Served } from './fixture.js';

let s: Served;
before(async () => {
  s = await serve(
    '{ serviceName: docs-svc, tools: { flaky: { errorRate: 0.5, minCalls: 4 } } }',
    'telemetry: { maxBodyBytes: 65536 }',
  );
});
after(async () => s.close());

const NOW_NS = () => String(BigInt(Date.now()) * 1_000_000n);

function span(tool: string | null, error: string | null, name = 'tools/call x'): Record<string, unknown> {
  const end = NOW_NS();
  const attributes = [{ key: 'mcp.method.name', value: { stringValue: 'tools/call' } }];
  if (tool) attributes.push({ key: 'gen_ai.tool.name', value: { stringValue: tool } });
  if (error) attributes.push({ key: 'error.type', value: { stringValue: error } });
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name,
    kind: 2,
    startTimeUnixNano: String(BigInt(end) - 12_000_000n),
    endTimeUnixNano: end,
    attributes,
    status: error ? { code: 2 } : {},
  };
}

function traces(service: string, spans: unknown[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 't' }, spans }],
      },
    ],
  };
}

async function post(
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
  token: string | null = s.tokens.ingest,
): Promise<{ status: number; type: string | null; text: string; bytes: Buffer }> {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), text: bytes.toString('utf8'), bytes };
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const PROTO_TYPE = { 'Content-Type': 'application/x-protobuf' };

test('JSON spans are accepted: 200 with an empty ExportTraceServiceResponse in JSON', async () => {
  const r = await post('/v1/traces', JSON.stringify(traces('docs-svc', [span('search', null)])), JSON_TYPE);
  assert.deepEqual([r.status, r.type, r.text], [200, 'application/json', '{}']);
});

test('gzip bodies are inflated; protobuf answers are protobuf', async () => {
  const t = otlpTypes();
  const body = encodeBinary(t.traceRequest, {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'docs-svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                name: 'tools/call search',
                kind: 2,
                startTimeUnixNano: Date.now() * 1e6 - 5e6,
                endTimeUnixNano: Date.now() * 1e6,
                attributes: [{ key: 'gen_ai.tool.name', value: { stringValue: 'search' } }],
              },
            ],
          },
        ],
      },
    ],
  });
  const r = await post('/v1/traces', gzipSync(body), { ...PROTO_TYPE, 'Content-Encoding': 'gzip' });
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/x-protobuf');
  assert.deepEqual(decodeBinary(t.traceResponse, r.bytes), {});
});

test('rejected spans: partial success with the count and why, in the request content type', async () => {
  const body = traces('docs-svc', [
    span(null, null),
    span('search', null),
    { name: 'tools/call y', attributes: [{ key: 'gen_ai.tool.name', value: { stringValue: 'y' } }] },
  ]);
  const r = await post('/v1/traces', JSON.stringify(body), JSON_TYPE);
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.text), {
    partialSuccess: {
      rejectedSpans: 2,
      errorMessage:
        '2 spans rejected: 1 tools/call spans without gen_ai.tool.name; 1 spans without valid startTimeUnixNano/endTimeUnixNano',
    },
  });
  const other = await post('/v1/traces', JSON.stringify(traces('billing', [span('pay', null)])), JSON_TYPE);
  assert.deepEqual(JSON.parse(other.text), {
    partialSuccess: {
      rejectedSpans: 1,
      errorMessage: '1 spans rejected: 1 tool-call spans of a service.name no monitored server has (billing)',
    },
  });
  const t = otlpTypes();
  const proto = await post('/v1/traces', encodeBinary(t.traceRequest, traces('billing', [])), PROTO_TYPE);
  assert.deepEqual(decodeBinary(t.traceResponse, proto.bytes), {});
});

test('spans of other methods and client spans are accepted and not counted', async () => {
  const before = s.telemetry.tools('docs')!.find((t) => t.tool === 'other')?.windows['5m'].calls ?? 0;
  const list = {
    ...span('other', null),
    attributes: [{ key: 'mcp.method.name', value: { stringValue: 'tools/list' } }],
  };
  const client = { ...span('other', null), kind: 3 };
  const r = await post('/v1/traces', JSON.stringify(traces('docs-svc', [list, client])), JSON_TYPE);
  assert.deepEqual([r.status, r.text], [200, '{}']);
  assert.equal(s.telemetry.tools('docs')!.find((t) => t.tool === 'other')?.windows['5m'].calls ?? 0, before);
});

const GARBAGE: [string, Buffer | string, Record<string, string>, RegExp][] = [
  ['invalid JSON', '{"resourceSpans": [', JSON_TYPE, /^the body is not valid JSON$/],
  [
    'JSON of the wrong shape',
    '{"resourceSpans": {"a": 1}}',
    JSON_TYPE,
    /^request\.resourceSpans must be a list$/,
  ],
  ['a JSON array', '[1,2]', JSON_TYPE, /not an ExportTraceServiceRequest object/],
  [
    'protobuf garbage',
    Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    PROTO_TYPE,
    /^the body is not a protobuf ExportTraceServiceRequest/,
  ],
  ['gzip that is not', 'not gzip', { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, /not valid gzip/],
];

for (const [name, body, headers, message] of GARBAGE) {
  test(`400 for ${name}, with a Status in the request's content type`, async () => {
    const r = await post('/v1/traces', body, headers);
    assert.equal(r.status, 400);
    if (headers['Content-Type'] === 'application/x-protobuf') {
      assert.equal(r.type, 'application/x-protobuf');
      const status = decodeBinary(otlpTypes().status, r.bytes) as { code: number; message: string };
      assert.equal(status.code, 3);
      assert.match(status.message, message);
    } else {
      assert.equal(r.type, 'application/json');
      const status = JSON.parse(r.text) as { code: number; message: string };
      assert.equal(status.code, 3);
      assert.match(status.message, message);
    }
  });
}

test('413 over the cap: on the wire, and after decompression (a gzip bomb)', async () => {
  const big = JSON.stringify(traces('docs-svc', [])) + ' '.repeat(70_000);
  const r = await post('/v1/traces', big, JSON_TYPE);
  assert.equal(r.status, 413);
  assert.match((JSON.parse(r.text) as { message: string }).message, /larger than 65536 bytes/);
  const bomb = gzipSync(Buffer.alloc(10_000_000, 0x20));
  assert.ok(bomb.length < 65536);
  const b = await post('/v1/metrics', bomb, { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
  assert.equal(b.status, 413);
});

test('415 for another content type or encoding', async () => {
  const r = await post('/v1/traces', 'x', { 'Content-Type': 'text/plain' });
  assert.equal(r.status, 415);
  assert.equal(r.type, 'application/json');
  const e = await post('/v1/traces', 'x', { ...JSON_TYPE, 'Content-Encoding': 'br' });
  assert.equal(e.status, 415);
});

test('tokens: none is 401, a read token is 403, admin and ingest are accepted', async () => {
  const body = JSON.stringify(traces('docs-svc', []));
  const none = await post('/v1/traces', body, PROTO_TYPE, null);
  assert.equal(none.status, 401);
  assert.equal(none.type, 'application/x-protobuf');
  assert.equal((decodeBinary(otlpTypes().status, none.bytes) as { code: number }).code, 16);
  const read = await post('/v1/traces', body, JSON_TYPE, s.tokens.read);
  assert.equal(read.status, 403);
  assert.match((JSON.parse(read.text) as { message: string }).message, /"ingest" scope/);
  assert.equal((await post('/v1/traces', body, JSON_TYPE, s.tokens.admin)).status, 200);
  // an ingest token reads nothing
  const api = await fetch(`${s.url}/api/v1/servers`, {
    headers: { Authorization: `Bearer ${s.tokens.ingest}` },
  });
  assert.equal(api.status, 403);
});

function histogram(tool: string, error: string | null, count: number, buckets: number[], start: string) {
  const attributes = [
    { key: 'mcp.method.name', value: { stringValue: 'tools/call' } },
    { key: 'gen_ai.tool.name', value: { stringValue: tool } },
  ];
  if (error) attributes.push({ key: 'error.type', value: { stringValue: error } });
  return {
    attributes,
    startTimeUnixNano: start,
    timeUnixNano: NOW_NS(),
    count: String(count),
    bucketCounts: buckets.map(String),
    explicitBounds: [0.01, 0.1, 1],
  };
}

function metrics(points: unknown[], temporality = 2) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'docs-svc' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'mcp.server.operation.duration',
                unit: 's',
                histogram: { aggregationTemporality: temporality, dataPoints: points },
              },
              { name: 'http.server.duration', gauge: { dataPoints: [{ asDouble: 1 }] } },
            ],
          },
        ],
      },
    ],
  };
}

test('metrics: cumulative histograms of mcp.server.operation.duration count as deltas; P2 names the tool', async () => {
  const start = NOW_NS();
  const first = await post(
    '/v1/metrics',
    JSON.stringify(
      metrics([
        histogram('flaky', null, 2, [1, 1, 0, 0], start),
        histogram('flaky', 'tool_error', 1, [0, 0, 1, 0], start),
      ]),
    ),
    JSON_TYPE,
  );
  assert.deepEqual([first.status, first.text], [200, '{}']);
  // cumulative: 6 ok and 4 errors in total now
  const second = await post(
    '/v1/metrics',
    JSON.stringify(
      metrics([
        histogram('flaky', null, 6, [3, 3, 0, 0], start),
        histogram('flaky', 'tool_error', 4, [0, 0, 2, 2], start),
      ]),
    ),
    JSON_TYPE,
  );
  assert.equal(second.status, 200);
  const flaky = s.telemetry.tools('docs')!.find((t) => t.tool === 'flaky')!;
  assert.deepEqual([flaky.windows['5m'].calls, flaky.windows['5m'].errors], [10, 4]);
  // the 10–100 ms bucket counts at its upper bound, read back through the log buckets (within 9%)
  assert.ok(Math.abs(flaky.windows['5m'].p50! - 100) <= 9, String(flaky.windows['5m'].p50));
  // 4 of 10 = 40% is below flaky's own 50%: nothing; two more errors make 6 of 12 = 50%
  await post(
    '/v1/metrics',
    JSON.stringify(metrics([histogram('flaky', 'tool_error', 6, [0, 0, 3, 3], start)])),
    JSON_TYPE,
  );
  const incident = await waitFor(async () =>
    (await s.store.listIncidents({ limit: 5 })).find((i) => i.server === 'docs'),
  );
  assert.equal(incident.trigger, 'tool_error_rate');
  assert.match(
    incident.timeline[0]!.message,
    /tool "flaky" failed 6 of 12 calls \(50%\) over 5m \(P2 at 50%\)/,
  );

  const res = await fetch(`${s.url}/api/v1/servers/docs/tools?window=1h`, {
    headers: { Authorization: `Bearer ${s.tokens.read}` },
  });
  const body = (await res.json()) as {
    window: string;
    items: { name: string; calls: number; failing: boolean; threshold: unknown }[];
  };
  assert.equal(body.window, '1h');
  const row = body.items.find((t) => t.name === 'flaky')!;
  assert.deepEqual(
    [row.calls, row.failing, row.threshold],
    [12, true, { errorRate: 0.5, minCalls: 4, alert: true }],
  );
  const missing = await fetch(`${s.url}/api/v1/servers/nope/tools`, {
    headers: { Authorization: `Bearer ${s.tokens.read}` },
  });
  assert.equal(missing.status, 404);
});

test('metrics: exponential histograms of the operation metric are rejected (partial success)', async () => {
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'docs-svc' } }] },
        scopeMetrics: [
          {
            metrics: [
              { name: 'mcp.server.operation.duration', exponentialHistogram: { dataPoints: [{}, {}] } },
            ],
          },
        ],
      },
    ],
  };
  const r = await post('/v1/metrics', JSON.stringify(body), JSON_TYPE);
  assert.deepEqual(JSON.parse(r.text), {
    partialSuccess: {
      rejectedDataPoints: 2,
      errorMessage:
        '2 data points rejected: 2 mcp.server.operation.duration is read as an explicit-bucket histogram only',
    },
  });
});

async function waitFor<T>(get: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
