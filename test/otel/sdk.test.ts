/**
 * Done-when of issue 14: a real OpenTelemetry SDK (sdk-trace-node with the OTLP/HTTP exporters, JSON
 * and protobuf) in the test process, instrumented the way the MCP semantic conventions say, sends
 * healthy and failing tool calls to `serve`; the per-tool error rates show in the API and a P2 naming
 * the failing tool opens within 30 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { serve } from './fixture.js';

function provider(service: string, exporter: SpanExporter): NodeTracerProvider {
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
  });
}

/** One tools/call as an instrumented MCP server records it. */
function toolCall(p: NodeTracerProvider, tool: string, error: string | null): void {
  const span = p.getTracer('mcp-server').startSpan(`tools/call ${tool}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': tool,
      'gen_ai.operation.name': 'execute_tool',
    },
  });
  if (error) {
    span.setAttribute('error.type', error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

test('real SDK spans (JSON and protobuf) give per-tool error rates and a P2 naming the failing tool', async () => {
  const s = await serve('{ serviceName: docs-svc }');
  const headers = { Authorization: `Bearer ${s.tokens.ingest}` };
  const json = provider('docs-svc', new JsonExporter({ url: `${s.url}/v1/traces`, headers }));
  const proto = provider('docs-svc', new ProtoExporter({ url: `${s.url}/v1/traces`, headers }));
  try {
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      toolCall(json, 'search', i % 5 < 2 ? 'tool_error' : null); // 12 of 30 fail: 40%
      toolCall(json, 'list_docs', null);
      toolCall(proto, 'fetch_page', i % 10 === 0 ? '-32603' : null); // 3 of 30: 10%
    }
    await Promise.all([json.forceFlush(), proto.forceFlush()]);

    let incident = null;
    while (Date.now() - started < 30_000) {
      incident = (await s.store.listIncidents({ limit: 10 })).find((i) => i.server === 'docs') ?? null;
      if (incident) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(incident, 'a P2 within 30 s');
    const openedIn = incident.openedAt - started;
    assert.ok(openedIn < 30_000, `opened after ${openedIn} ms`);
    assert.equal(incident.severity, 'P2');
    assert.equal(incident.trigger, 'tool_error_rate');
    assert.match(
      incident.timeline[0]!.message,
      /^P2 tool_error_rate: tool "search" failed 12 of 30 calls \(40%\) over 5m/,
    );
    assert.doesNotMatch(incident.timeline.map((e) => e.message).join('\n'), /fetch_page|list_docs/);

    const res = await fetch(`${s.url}/api/v1/servers/docs/tools`, {
      headers: { Authorization: `Bearer ${s.tokens.read}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      serviceName: string;
      window: string;
      items: {
        name: string;
        calls: number;
        errors: number;
        errorRate: number;
        failing: boolean;
        latency: { p50: number | null };
      }[];
    };
    assert.equal(body.serviceName, 'docs-svc');
    assert.equal(body.window, '5m');
    const rows = body.items.map((t) => [t.name, t.calls, t.errors, t.errorRate, t.failing]);
    assert.deepEqual(rows, [
      ['fetch_page', 30, 3, 0.1, false],
      ['list_docs', 30, 0, 0, false],
      ['search', 30, 12, 0.4, true],
    ]);
    for (const t of body.items) assert.notEqual(t.latency.p50, null);

    // the dashboard's server page shows the same table beside the probe layers
    const login = await fetch(`${s.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(s.tokens.read)}`,
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = await (await fetch(`${s.url}/servers/docs`, { headers: { cookie } })).text();
    const table = page.slice(page.indexOf('id="tool-calls"'), page.indexOf('id="tools"'));
    assert.match(table, /<code>search<\/code> <span class="pill s-degraded">failing<\/span>/);
    assert.match(
      table,
      /<td class="num">30<\/td>\s*<td class="num">12<\/td>\s*<td class="num">40(\.00)?%<\/td>/,
    );
    assert.match(table, /<code>fetch_page<\/code>/);
  } finally {
    await json.shutdown();
    await proto.shutdown();
    await s.close();
  }
});
