/**
 * Healthy probes against the fixture server in every protocol era, checking what the prober must
 * send (Accept, session id, MCP-Protocol-Version, Mcp-Method, _meta, DELETE) and what it reports
 * (transport, protocolVersion, server, tools, pages, TLS facts, warnings).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { testCerts } from '../fixtures/certs.js';
import { startMcpServer, type McpServerOptions, type RecordedRequest } from '../fixtures/mcp-server.js';
import { assertHealthy, probeChecked, probeDetailedChecked, Report, type ProbeOpts } from './helpers.js';

const report = new Report();
after(() => report.print('eras: healthy probes'));

async function probeFixture(opts: McpServerOptions, probeOpts: ProbeOpts = {}) {
  const fixture = await startMcpServer(opts);
  try {
    const { result } = await probeChecked(fixture.url, { timeoutMs: 5000, ...probeOpts });
    return { result, fixture };
  } finally {
    await fixture.close();
  }
}

const header = (r: RecordedRequest | undefined, name: string) => r?.headers[name];

describe('Streamable HTTP (session eras)', () => {
  test('JSON answers: healthy, with the right requests', async () => {
    const { result, fixture } = await probeFixture({});
    report.add('streamable JSON', result);
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.equal(result.protocolVersion, '2025-11-25');
    assert.deepEqual(result.server, { name: 'mcpwatch-fixture', version: '1.2.3' });
    assert.equal(result.region, 'local');
    assert.equal(result.tools?.count, 3);
    assert.equal(result.tools?.pages, 1);
    assert.deepEqual(
      result.tools?.items.map((t) => t.name),
      ['add', 'echo', 'now'],
    );
    assert.deepEqual(result.tools?.items.find((t) => t.name === 'echo')?.annotations, { readOnlyHint: true });
    assert.equal(result.layers.http.statusCode, 200);
    assert.equal(result.layers.transport.address, '127.0.0.1');
    assert.equal(result.layers.transport.tlsMs, null);
    assert.equal(result.tls ?? null, null);
    assert.equal(result.auth?.required ?? false, false);

    const init = fixture.requests('initialize')[0];
    assert.match(String(header(init, 'accept')), /application\/json/);
    assert.match(String(header(init, 'accept')), /text\/event-stream/);
    const sessionId = fixture.log.find((r) => r.rpcMethod === 'tools/list')?.headers['mcp-session-id'];
    assert.ok(sessionId, 'tools/list carries the Mcp-Session-Id');
    assert.equal(
      fixture.requests('notifications/initialized').length,
      1,
      'notifications/initialized sent once',
    );
    const list = fixture.requests('tools/list')[0];
    assert.equal(header(list, 'mcp-protocol-version'), '2025-11-25', 'MCP-Protocol-Version after initialize');
    const deletes = fixture.requests('DELETE');
    assert.equal(deletes.length, 1, 'the session is ended with DELETE');
    assert.equal(header(deletes[0], 'mcp-session-id'), sessionId);
    assert.ok(deletes[0]!.at >= list!.at, 'DELETE comes at the end');
  });

  test('SSE answers with a notification and a server request before the response', async () => {
    const { result } = await probeFixture({ answer: 'sse', chatty: true });
    report.add('streamable SSE (chatty)', result);
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.equal(result.tools?.count, 3);
  });

  for (const version of ['2025-06-18', '2025-03-26']) {
    test(`a server that only speaks ${version}`, async () => {
      const { result } = await probeFixture({ versions: [version] });
      report.add(`streamable ${version} only`, result);
      assertHealthy(result);
      assert.equal(result.protocolVersion, version);
    });
  }

  for (const legacyDiscover of ['status400', 'status404', 'status405', 'rpc-32601'] as const) {
    test(`legacy server answers server/discover with ${legacyDiscover}`, async () => {
      const { result, fixture } = await probeFixture({ legacyDiscover });
      report.add(`streamable, discover -> ${legacyDiscover}`, result);
      assertHealthy(result);
      assert.equal(result.transport, 'streamable-http');
      assert.equal(result.protocolVersion, '2025-11-25');
      assert.equal(fixture.requests('initialize').length, 1);
    });
  }

  test('DELETE answered 405 is fine', async () => {
    const { result } = await probeFixture({ deleteStatus: 405 });
    assertHealthy(result);
    assert.ok(
      !result.warnings.some((w) => w.code === 'session_delete_failed'),
      JSON.stringify(result.warnings),
    );
  });

  test('user headers are sent on every request', async () => {
    const { result, fixture } = await probeFixture({}, { headers: { Authorization: 'Bearer t0ken' } });
    assertHealthy(result);
    for (const r of fixture.log)
      assert.equal(r.headers.authorization, 'Bearer t0ken', `${r.httpMethod} ${r.rpcMethod ?? ''}`);
  });

  test('no tools capability: tools_list skipped, still ok', async () => {
    const { result, fixture } = await probeFixture({ capabilities: { prompts: {} } });
    report.add('no tools capability', result);
    assertHealthy(result, true);
    assert.equal(result.layers.tools_list.durationMs, null);
    assert.equal(result.tools ?? null, null);
    assert.equal(fixture.requests('tools/list').length, 0);
  });
});

describe('legacy HTTP+SSE (2024-11-05)', () => {
  for (const endpointStyle of ['relative', 'absolute-path', 'absolute-url'] as const) {
    test(`endpoint event with a ${endpointStyle} URL`, async () => {
      const { result, fixture } = await probeFixture({ era: 'sse', endpointStyle });
      report.add(`legacy SSE, ${endpointStyle} endpoint`, result);
      assertHealthy(result);
      assert.equal(result.transport, 'sse');
      assert.equal(result.protocolVersion, '2024-11-05');
      assert.equal(result.tools?.count, 3);
      const posts = fixture.log.filter(
        (r) => r.httpMethod === 'POST' && r.path.startsWith('/mcp/messages?sessionId='),
      );
      assert.ok(
        posts.some((r) => r.rpcMethod === 'tools/list'),
        'tools/list POSTed to the endpoint',
      );
    });
  }

  test('POST to the SSE URL answered 404 also falls back', async () => {
    const { result } = await probeFixture({ era: 'sse', ssePostStatus: 404, chatty: true });
    assertHealthy(result);
    assert.equal(result.transport, 'sse');
  });
});

describe('stateless (2026-07-28)', () => {
  test('server/discover, no initialize, metadata on every request', async () => {
    const { result, fixture } = await probeFixture({ era: 'stateless' });
    report.add('stateless', result);
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.equal(result.protocolVersion, '2026-07-28');
    assert.equal(result.server?.name, 'mcpwatch-fixture');
    assert.equal(result.tools?.count, 3);
    assert.equal(fixture.requests('initialize').length, 0, 'no initialize in the stateless era');
    const list = fixture.requests('tools/list')[0];
    assert.equal(header(list, 'mcp-method'), 'tools/list');
    assert.equal(header(list, 'mcp-protocol-version'), '2026-07-28');
    const meta = list?.body?.params?._meta as Record<string, unknown> | undefined;
    assert.equal(meta?.['io.modelcontextprotocol/protocolVersion'], '2026-07-28');
    assert.equal(fixture.requests('DELETE').length, 0, 'no session to delete');
  });

  test('SSE answers', async () => {
    const { result } = await probeFixture({ era: 'stateless', answer: 'sse', chatty: true });
    assertHealthy(result);
    assert.equal(result.protocolVersion, '2026-07-28');
  });
});

describe('era cache', () => {
  test('a detected era is reused by the next probe', async () => {
    const fixture = await startMcpServer({});
    try {
      const eraCache = new Map<string, NonNullable<ProbeOpts['era']>>();
      const first = await probeChecked(fixture.url, { eraCache });
      assertHealthy(first.result);
      assert.deepEqual([...eraCache.values()], ['streamable-http']);
      const before = fixture.requests('server/discover').length;
      const second = await probeChecked(fixture.url, { eraCache });
      assertHealthy(second.result);
      assert.equal(
        fixture.requests('server/discover').length,
        before,
        'the second probe skips server/discover',
      );
    } finally {
      await fixture.close();
    }
  });

  test('a cached era that no longer fits (the server moved to SSE) is detected afresh in the same probe', async () => {
    const fixture = await startMcpServer({ era: 'sse' });
    try {
      const eraCache = new Map<string, NonNullable<ProbeOpts['era']>>([[fixture.url, 'streamable-http']]);
      const { result } = await probeChecked(fixture.url, { eraCache });
      assertHealthy(result);
      assert.equal(result.transport, 'sse');
      assert.deepEqual([...eraCache.values()], ['sse']);
    } finally {
      await fixture.close();
    }
  });

  test('a 500 with a cached era is the server failing, not an era change: no re-detection', async () => {
    const fixture = await startMcpServer({ fault: { kind: 'status', status: 500 } });
    try {
      const eraCache = new Map<string, NonNullable<ProbeOpts['era']>>([[fixture.url, 'streamable-http']]);
      const { result } = await probeChecked(fixture.url, { eraCache });
      assert.equal(result.failure?.code, 'status_5xx');
      assert.match(result.failure?.message ?? '', /^initialize got HTTP 500/);
      assert.equal(fixture.requests('server/discover').length, 0, 'no detection for a 500');
      assert.deepEqual([...eraCache.values()], ['streamable-http'], 'the cached era stays');
    } finally {
      await fixture.close();
    }
  });

  test('the cache is keyed per endpoint URL (as ProbeOptions.eraCache documents)', async () => {
    const fixture = await startMcpServer({});
    try {
      const eraCache = new Map<string, NonNullable<ProbeOpts['era']>>();
      await probeChecked(fixture.url, { eraCache });
      assert.deepEqual([...eraCache.keys()], [fixture.url]);
    } finally {
      await fixture.close();
    }
  });
});

describe('redirects', () => {
  test('followed with followRedirects', async () => {
    const opts: McpServerOptions = {
      fault: { kind: 'status', status: 308, headers: { Location: '{origin}/mcp' }, path: '/old' },
    };
    const fixture = await startMcpServer(opts);
    try {
      const { result } = await probeChecked(fixture.url.replace('/mcp', '/old'), { followRedirects: true });
      report.add('308 followed', result);
      assertHealthy(result);
      assert.ok(fixture.requests('tools/list').length > 0);
    } finally {
      await fixture.close();
    }
  });
});

describe('TLS', () => {
  test('valid certificate with the CA trusted: ok, with the certificate facts', async () => {
    const certs = await testCerts();
    const { result } = await probeFixture({ tls: certs.valid }, { ca: certs.ca });
    report.add('https valid', result);
    assertHealthy(result);
    const tls = result.tls;
    assert.ok(tls);
    assert.equal(tls.authorized, true);
    assert.equal(tls.error ?? null, null);
    assert.ok(tls.daysRemaining > 363 && tls.daysRemaining <= 365, `daysRemaining ${tls.daysRemaining}`);
    assert.equal(tls.subject, 'mcpwatch valid leaf');
    assert.equal(tls.issuer, 'mcpwatch test CA');
    for (const name of ['localhost', 'mcp.test', '127.0.0.1'])
      assert.ok(tls.altNames?.includes(name), `altNames ${tls.altNames}`);
    assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/);
    assert.notEqual(result.layers.transport.tlsMs, null);
    assert.ok(!result.warnings.some((w) => w.code === 'cert_expiring'));
  });

  test('certificate expiring in 10 days: ok plus cert_expiring', async () => {
    const certs = await testCerts();
    const { result } = await probeFixture({ tls: certs.expiringSoon }, { ca: certs.ca });
    report.add('https expiring in 10 days', result);
    assertHealthy(result);
    assert.ok(
      result.tls && Math.abs(result.tls.daysRemaining - 10) < 0.1,
      `daysRemaining ${result.tls?.daysRemaining}`,
    );
    assert.ok(
      result.warnings.some((w) => w.code === 'cert_expiring'),
      JSON.stringify(result.warnings),
    );
  });
});

describe('tool definitions', () => {
  test('probeDetailed keeps the definitions when asked', async () => {
    const fixture = await startMcpServer({});
    try {
      const { result, toolDefinitions } = await probeDetailedChecked(fixture.url, {
        keepToolDefinitions: true,
      });
      assertHealthy(result);
      assert.deepEqual(toolDefinitions?.map((t) => t.name).sort(), ['add', 'echo', 'now']);
      assert.deepEqual(toolDefinitions?.find((t) => t.name === 'add')?.inputSchema, {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      });
    } finally {
      await fixture.close();
    }
  });

  test('probeDetailed leaves them out when the caller already holds that listing', async () => {
    const fixture = await startMcpServer({});
    try {
      const first = await probeDetailedChecked(fixture.url, { keepToolDefinitions: true });
      const fingerprint = first.result.tools!.fingerprint;
      const same = await probeDetailedChecked(fixture.url, {
        keepToolDefinitions: true,
        knownToolsFingerprint: fingerprint,
      });
      assertHealthy(same.result);
      assert.equal(same.result.tools!.fingerprint, fingerprint);
      assert.equal(same.toolDefinitions, undefined);
      const other = await probeDetailedChecked(fixture.url, {
        keepToolDefinitions: true,
        knownToolsFingerprint: 'sha256:another listing',
      });
      assert.deepEqual(other.toolDefinitions, first.toolDefinitions);
    } finally {
      await fixture.close();
    }
  });
});
