/**
 * The MCP face over Streamable HTTP: the official SDK client against the real web app listening on
 * loopback (seeded monitor). Bearer tokens: 401 with resource_metadata, read tokens see the read-only
 * tools, admin tokens probe_url too; every structured answer matches its outputSchema (the SDK client
 * validates it, and so does this test with ajv).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { LIKELY_FIX } from '../../src/probe/explain.js';
import { MCP_TOOLS } from '../../src/mcp/tools.js';
import { buildApp } from '../../src/web/app.js';
import { TokenStore } from '../../src/web/auth/tokens.js';
import { startMcpServer, type McpFixture } from '../fixtures/mcp-server.js';
import { createSeededView, IDS, SECRETS, type Seeded } from '../web/seed.js';

let seeded: Seeded;
let app: FastifyInstance;
let base: string;
let fixture: McpFixture;
let ingestToken: string;
const clients: Client[] = [];

before(async () => {
  seeded = await createSeededView();
  ingestToken = (await new TokenStore(seeded.store, () => seeded.now).create('otel', 'ingest')).token;
  app = buildApp(seeded.view);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  fixture = await startMcpServer();
});
after(async () => {
  for (const c of clients) await c.close();
  await app.close();
  await seeded.store.close();
  await fixture.close();
});

async function connect(token: string | null): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: 'mcpwatch-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const ajv = new Ajv2020({ strict: false });
function structured(res: CallToolResult, tool: string): Record<string, unknown> {
  assert.notEqual(res.isError, true, JSON.stringify(res.content));
  const schema = MCP_TOOLS.find((t) => t.name === tool)!.outputSchema;
  const validate = ajv.compile(schema);
  assert.ok(validate(res.structuredContent), JSON.stringify(validate.errors));
  const text = (res.content as { type: string; text: string }[])[0]!;
  assert.deepEqual(JSON.parse(text.text), res.structuredContent);
  return res.structuredContent as Record<string, unknown>;
}
function errorText(res: CallToolResult): string {
  assert.equal(res.isError, true);
  return (res.content as { text: string }[])[0]!.text;
}

const METADATA = 'http://status.example.test/.well-known/oauth-protected-resource/mcp';
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});
const post = (headers: Record<string, string>) =>
  fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: initialize,
  });

describe('/mcp authentication', () => {
  const cases: { name: string; headers: Record<string, string>; status: number; challenge: string }[] = [
    {
      name: 'no token',
      headers: {},
      status: 401,
      challenge: `Bearer realm="mcpwatch", resource_metadata="${METADATA}"`,
    },
    {
      name: 'an unknown token',
      headers: { authorization: 'Bearer mcpw_000000000000_' + 'x'.repeat(43) },
      status: 401,
      challenge: `Bearer realm="mcpwatch", error="invalid_token", resource_metadata="${METADATA}"`,
    },
    {
      name: 'an ingest token',
      headers: {},
      status: 403,
      challenge: 'Bearer realm="mcpwatch", error="insufficient_scope", scope="read"',
    },
  ];
  for (const c of cases) {
    it(`answers ${c.status} with the right WWW-Authenticate for ${c.name}`, async () => {
      const headers = c.name === 'an ingest token' ? { authorization: `Bearer ${ingestToken}` } : c.headers;
      const res = await post(headers);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.get('www-authenticate'), c.challenge);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    });
  }

  it('serves the protected resource metadata the challenge points at', async () => {
    const res = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      resource: 'http://status.example.test/mcp',
      resource_name: 'mcpwatch monitor',
      bearer_methods_supported: ['header'],
      scopes_supported: ['read', 'admin'],
    });
  });

  it('the SDK client without a token cannot connect', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`));
    const client = new Client({ name: 't', version: '1' });
    await assert.rejects(client.connect(transport), /401|nauthorized/);
  });

  it('a bare tools/call POST (the curl of docs/mcp.md) gets a JSON answer', async () => {
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${seeded.readToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'list_servers', arguments: {} },
      }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { result: { structuredContent: { servers: unknown[] } } };
    assert.equal(body.result.structuredContent.servers.length, 4);
  });

  it('GET and DELETE are 405 (stateless: no stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, {
        method,
        headers: { authorization: `Bearer ${seeded.readToken}`, accept: 'text/event-stream' },
      });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST');
    }
  });
});

describe('/mcp with a read token (official SDK client)', () => {
  let client: Client;
  before(async () => {
    client = await connect(seeded.readToken);
  });

  it('initializes as mcpwatch and lists the read-only tools, without probe_url', async () => {
    assert.equal(client.getServerVersion()?.name, 'mcpwatch');
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['list_servers', 'get_server', 'list_incidents', 'explain_failure'],
    );
    for (const t of tools) {
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.equal(t.annotations?.destructiveHint, false, t.name);
      assert.equal(t.annotations?.openWorldHint, false, t.name);
      assert.equal((t.outputSchema as { type: string }).type, 'object', t.name);
    }
  });

  it('list_servers: every server with state and failure, URLs redacted', async () => {
    const res = (await client.callTool({ name: 'list_servers', arguments: {} })) as CallToolResult;
    const data = structured(res, 'list_servers') as { servers: Record<string, unknown>[] };
    assert.deepEqual(
      data.servers.map((s) => [s.name, s.state, s.failure, s.openIncident]),
      [
        ['docs-search', 'up', null, null],
        ['billing-tools', 'down', { layer: 'transport', code: 'connect_refused' }, IDS.p1],
        // The P2 is open, but the last round of weather was good: failure is the last round's (engine rule).
        ['weather', 'degraded', null, IDS.p2],
        ['internal-admin', 'up', null, null],
      ],
    );
    const text = JSON.stringify(res);
    for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), secret);
  });

  it('get_server: state, failing layer, error rates, p95, SLO', async () => {
    const res = (await client.callTool({
      name: 'get_server',
      arguments: { name: 'billing-tools' },
    })) as CallToolResult;
    const s = structured(res, 'get_server') as {
      state: string;
      failure: unknown;
      errorRate: Record<string, number | null>;
      p95Ms: Record<string, number | null>;
      slo: { target: number; remainingBudget: number };
      openIncident: string;
      url: string;
    };
    assert.equal(s.state, 'down');
    assert.deepEqual(s.failure, { layer: 'transport', code: 'connect_refused' });
    assert.equal(s.openIncident, IDS.p1);
    assert.equal(s.url, 'https://billing.example.com/mcp');
    assert.ok(s.errorRate['5m']! > 0.5, `5m error rate ${s.errorRate['5m']}`);
    assert.equal(typeof s.p95Ms['7d'], 'number');
    assert.equal(s.slo.target, 99.9);
    assert.equal(typeof s.slo.remainingBudget, 'number');
  });

  it('get_server of an unknown server is a tool error naming the known ones', async () => {
    const res = (await client.callTool({
      name: 'get_server',
      arguments: { name: 'nope' },
    })) as CallToolResult;
    assert.equal(
      errorText(res),
      'no server named "nope"; configured: docs-search, billing-tools, weather, internal-admin. Call list_servers.',
    );
  });

  it('bad arguments are a tool error, not a crash', async () => {
    const res = (await client.callTool({ name: 'get_server', arguments: { name: 3 } })) as CallToolResult;
    assert.equal(errorText(res), 'invalid arguments: /name must be string');
  });

  it('list_incidents: open ones with severity, layer and code', async () => {
    const res = (await client.callTool({
      name: 'list_incidents',
      arguments: { open: true },
    })) as CallToolResult;
    const { incidents } = structured(res, 'list_incidents') as { incidents: Record<string, unknown>[] };
    assert.deepEqual(
      incidents.map((i) => [i.id, i.severity, i.status, i.layer, i.code]).sort(),
      [
        [IDS.p1, 'P1', 'investigating', 'transport', 'connect_refused'],
        [IDS.p2, 'P2', 'identified', 'http', 'status_5xx'],
      ].sort(),
    );
  });

  it('list_incidents without `open` includes recent resolved ones', async () => {
    const res = (await client.callTool({ name: 'list_incidents', arguments: {} })) as CallToolResult;
    const { incidents } = structured(res, 'list_incidents') as { incidents: { id: string }[] };
    assert.ok(incidents.some((i) => i.id === IDS.resolved));
    assert.equal(incidents.length, 3);
  });

  it('explain_failure of a failing server: layer, code, what was seen, the likely fix', async () => {
    const res = (await client.callTool({
      name: 'explain_failure',
      arguments: { server: 'billing-tools' },
    })) as CallToolResult;
    const e = structured(res, 'explain_failure');
    assert.equal(e.healthy, false);
    assert.equal(e.layer, 'transport');
    assert.equal(e.code, 'connect_refused');
    assert.equal(e.message, 'connect ECONNREFUSED 203.0.113.9:443');
    assert.equal(
      e.explanation,
      `billing-tools fails at the transport layer (connect_refused). ${LIKELY_FIX.connect_refused}`,
    );
  });

  it('explain_failure of a healthy server and of a bare code', async () => {
    const healthy = structured(
      (await client.callTool({
        name: 'explain_failure',
        arguments: { server: 'docs-search' },
      })) as CallToolResult,
      'explain_failure',
    );
    assert.equal(healthy.healthy, true);
    assert.match(String(healthy.explanation), /^docs-search is healthy: its last probe passed every layer/);
    const code = structured(
      (await client.callTool({
        name: 'explain_failure',
        arguments: { code: 'session_error' },
      })) as CallToolResult,
      'explain_failure',
    );
    assert.equal(code.explanation, LIKELY_FIX.session_error);
  });

  it('probe_url is refused for a read token, and nothing is probed', async () => {
    const before = fixture.log.length;
    const res = (await client.callTool({
      name: 'probe_url',
      arguments: { url: fixture.url },
    })) as CallToolResult;
    assert.equal(errorText(res), 'probe_url needs an admin token');
    assert.equal(fixture.log.length, before);
  });
});

describe('/mcp with an admin token', () => {
  let client: Client;
  before(async () => {
    client = await connect(seeded.adminToken);
  });

  it('lists probe_url too (read-only, open world)', async () => {
    const { tools } = await client.listTools();
    const probe = tools.find((t) => t.name === 'probe_url');
    assert.ok(probe);
    assert.equal(probe.annotations?.readOnlyHint, true);
    assert.equal(probe.annotations?.openWorldHint, true);
  });

  it('probe_url probes a healthy loopback MCP server', async () => {
    const res = (await client.callTool({
      name: 'probe_url',
      arguments: { url: fixture.url },
    })) as CallToolResult;
    const p = structured(res, 'probe_url') as { healthy: boolean; failure: unknown; result: { ok: boolean } };
    assert.equal(p.healthy, true);
    assert.equal(p.failure, null);
    assert.equal(p.result.ok, true);
    assert.ok(fixture.requests('tools/list').length >= 1);
  });

  it('probe_url classifies a closed port as transport/connect_refused', async () => {
    const closed = await startMcpServer();
    const url = closed.url;
    await closed.close();
    const started = performance.now();
    const res = (await client.callTool({
      name: 'probe_url',
      arguments: { url, timeoutMs: 2000 },
    })) as CallToolResult;
    const p = structured(res, 'probe_url') as {
      failure: { layer: string; code: string };
      explanation: string;
    };
    assert.ok(performance.now() - started < 2500);
    assert.equal(p.failure.layer, 'transport');
    assert.equal(p.failure.code, 'connect_refused');
    assert.equal(p.explanation, LIKELY_FIX.connect_refused);
  });

  it('probe_url refuses what is not an http(s) URL', async () => {
    for (const [url, text] of [
      ['file:///etc/passwd', 'only http:// and https:// URLs can be probed, not file:'],
      ['not a url', '"not a url" is not a URL'],
    ]) {
      const res = (await client.callTool({ name: 'probe_url', arguments: { url } })) as CallToolResult;
      assert.equal(errorText(res), text);
    }
  });
});
