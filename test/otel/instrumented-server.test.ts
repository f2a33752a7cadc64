/**
 * Issue 14's done-when, end to end: a real MCP server (the official SDK's Server over Streamable HTTP
 * on loopback) whose tools/call handler is instrumented with the real OpenTelemetry SDK
 * (sdk-trace-node, OTLP/HTTP protobuf exporter) the way the MCP semantic conventions say; a real MCP
 * client calls its tools, some of which fail (isError: true); `serve` receives the spans and opens a
 * P2 naming the failing tool within 30 s, with the per-tool error rates in the API.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { serve } from './fixture.js';

/** The instrumented MCP server: `search` fails when its query is "bad", `list_docs` never fails. */
async function instrumentedServer(
  provider: NodeTracerProvider,
): Promise<{ url: string; close(): Promise<void> }> {
  const tracer = provider.getTracer('docs-mcp-server');
  const handle = (name: string, args: Record<string, unknown>): CallToolResult =>
    name === 'search' && args.query === 'bad'
      ? { content: [{ type: 'text', text: 'index unavailable' }], isError: true }
      : { content: [{ type: 'text', text: `${name} ok` }] };

  const mcpServer = (): Server => {
    const s = new Server({ name: 'docs', version: '1.0.0' }, { capabilities: { tools: {} } });
    s.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: ['search', 'list_docs'].map((name) => ({
        name,
        inputSchema: { type: 'object' as const, properties: { query: { type: 'string' } } },
        annotations: { readOnlyHint: true },
      })),
    }));
    s.setRequestHandler(CallToolRequestSchema, async (req) => {
      const name = req.params.name;
      const span = tracer.startSpan(`tools/call ${name}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': name,
          'gen_ai.operation.name': 'execute_tool',
        },
      });
      const result = handle(name, req.params.arguments ?? {});
      if (result.isError) {
        span.setAttribute('error.type', 'tool_error');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      return result;
    });
    return s;
  };

  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const server = mcpServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      void server
        .connect(transport)
        .then(() =>
          transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString() || 'null')),
        );
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise((r) => httpServer.close(() => r())),
  };
}

test('a real instrumented MCP server, called by a real MCP client: per-tool rates and a P2 naming the tool', async () => {
  const s = await serve('{ serviceName: docs-svc }');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'docs-svc' }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({
          url: `${s.url}/v1/traces`,
          headers: { Authorization: `Bearer ${s.tokens.ingest}` },
        }),
        { scheduledDelayMillis: 200 },
      ),
    ],
  });
  const mcp = await instrumentedServer(provider);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
  try {
    const started = Date.now();
    let failed = 0;
    for (let i = 0; i < 20; i++) {
      const r = await client.callTool({ name: 'search', arguments: { query: i % 2 ? 'bad' : 'mcp' } });
      if (r.isError) failed++;
      await client.callTool({ name: 'list_docs', arguments: {} });
    }
    assert.equal(failed, 10, 'the server answered isError for every "bad" query');
    await provider.forceFlush();

    let incident = null;
    while (Date.now() - started < 30_000) {
      incident = (await s.store.listIncidents({ limit: 10 })).find((i) => i.server === 'docs') ?? null;
      if (incident) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(incident, 'a P2 within 30 s');
    assert.ok(incident.openedAt - started < 30_000, `opened after ${incident.openedAt - started} ms`);
    assert.equal(incident.severity, 'P2');
    assert.equal(incident.trigger, 'tool_error_rate');
    assert.match(
      incident.timeline[0]!.message,
      /^P2 tool_error_rate: tool "search" failed 10 of 20 calls \(50%\) over 5m/,
    );

    const res = await fetch(`${s.url}/api/v1/servers/docs/tools`, {
      headers: { Authorization: `Bearer ${s.tokens.read}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      items: { name: string; calls: number; errors: number; errorRate: number; failing: boolean }[];
    };
    assert.deepEqual(
      body.items.map((t) => [t.name, t.calls, t.errors, t.errorRate, t.failing]),
      [
        ['list_docs', 20, 0, 0, false],
        ['search', 20, 10, 0.5, true],
      ],
    );
  } finally {
    await client.close();
    await provider.shutdown();
    await mcp.close();
    await s.close();
  }
});
