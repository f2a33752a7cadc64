/**
 * Timing accuracy: servers (and a resolver) that wait a known time, and the prober's per-layer
 * timings must land within a small tolerance above it. Loopback adds well under a millisecond; the
 * tolerance absorbs scheduling noise when test files run in parallel.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { testCerts } from '../fixtures/certs.js';
import { startMcpServer, type McpServerOptions } from '../fixtures/mcp-server.js';
import { manyTools } from '../fixtures/mcp-tools.js';
import { assertHealthy, lookupTo, probeChecked, Report, type ProbeOpts } from './helpers.js';

const TOLERANCE_MS = 150;
const report = new Report();
after(() => report.print(`timing (tolerance ${TOLERANCE_MS} ms)`));

async function timed(opts: McpServerOptions, probeOpts: ProbeOpts = {}, url?: (u: string) => string) {
  const fixture = await startMcpServer(opts);
  try {
    const { result, wallMs } = await probeChecked(url ? url(fixture.url) : fixture.url, probeOpts);
    assertHealthy(result);
    return { result, wallMs };
  } finally {
    await fixture.close();
  }
}

function within(name: string, value: number | null | undefined, low: number, tolerance = TOLERANCE_MS): void {
  report.line(`${name.padEnd(60)} ${String(value).padStart(8)} ms  (expected ${low}..${low + tolerance})`);
  assert.ok(typeof value === 'number', `${name} is ${value}`);
  assert.ok(
    value >= low && value <= low + tolerance,
    `${name} = ${value} ms, expected within [${low}, ${low + tolerance}]`,
  );
}

describe('the handshake', () => {
  test('initialize delayed 300 ms (auto era)', async () => {
    const { result } = await timed({ delays: { initialize: 300 } });
    within('initialize.durationMs, streamable, auto', result.layers.initialize.durationMs, 300);
  });

  test('initialize delayed 300 ms (era pinned): TTFB too', async () => {
    const { result } = await timed({ delays: { initialize: 300 } }, { era: 'streamable-http' });
    within('initialize.durationMs, streamable, pinned', result.layers.initialize.durationMs, 300);
    within('http.ttfbMs, streamable, pinned', result.layers.http.ttfbMs, 300);
  });

  test('initialize delayed 300 ms with SSE answers', async () => {
    const { result } = await timed({ delays: { initialize: 300 }, answer: 'sse', chatty: true });
    within('initialize.durationMs, streamable SSE answers', result.layers.initialize.durationMs, 300);
  });

  test('server/discover delayed 300 ms (stateless)', async () => {
    const { result } = await timed({ era: 'stateless', delays: { 'server/discover': 300 } });
    within('initialize.durationMs, stateless discover', result.layers.initialize.durationMs, 300);
    within('http.ttfbMs, stateless discover', result.layers.http.ttfbMs, 300);
  });

  test('initialize delayed 300 ms (legacy SSE)', async () => {
    const { result } = await timed({ era: 'sse', delays: { initialize: 300 } });
    within('initialize.durationMs, legacy SSE', result.layers.initialize.durationMs, 300);
  });
});

describe('tools/list', () => {
  test('one page delayed 200 ms', async () => {
    const { result } = await timed({ delays: { 'tools/list': 200 } });
    within('tools_list.durationMs, 1 page x 200 ms', result.layers.tools_list.durationMs, 200);
  });

  test('three pages delayed 100 ms each', async () => {
    const { result } = await timed({ tools: manyTools(6), pageSize: 2, delays: { 'tools/list': 100 } });
    assert.equal(result.tools?.pages, 3);
    within('tools_list.durationMs, 3 pages x 100 ms', result.layers.tools_list.durationMs, 300);
  });
});

describe('transport', () => {
  test('plain HTTP by IP: timings present and plausible', async () => {
    const { result, wallMs } = await timed({ delays: { initialize: 100, 'tools/list': 100 } });
    const t = result.layers.transport;
    report.line(
      `plain http: dnsMs ${t.dnsMs}, connectMs ${t.connectMs}, tlsMs ${t.tlsMs}, transport ${t.durationMs}, total ${result.durationMs}, wall ${wallMs.toFixed(1)}`,
    );
    assert.equal(t.address, '127.0.0.1');
    assert.ok(t.connectMs !== null && t.connectMs >= 0 && t.connectMs < 100, `connectMs ${t.connectMs}`);
    assert.ok(t.dnsMs === null || (t.dnsMs >= 0 && t.dnsMs < 50), `dnsMs ${t.dnsMs} for an IP literal`);
    assert.equal(t.tlsMs, null);
    assert.ok(
      t.durationMs !== null && t.durationMs >= 0 && t.durationMs < 100,
      `transport.durationMs ${t.durationMs}`,
    );
    assert.ok(result.layers.http.ttfbMs !== null && result.layers.http.ttfbMs >= 0);
    assert.ok(result.durationMs >= 200, `total ${result.durationMs} covers the 200 ms of delays`);
    assert.ok(result.durationMs <= wallMs + 1, `total ${result.durationMs} <= wall ${wallMs}`);
  });

  test('DNS answer delayed 150 ms is dnsMs', async () => {
    const { result } = await timed({}, { lookup: lookupTo('127.0.0.1', 150) }, (u) =>
      u.replace('127.0.0.1', 'mcp.test'),
    );
    within('transport.dnsMs, resolver delayed 150 ms', result.layers.transport.dnsMs, 150, 50);
    assert.equal(result.layers.transport.address, '127.0.0.1');
  });

  test('HTTPS: tlsMs present', async () => {
    const certs = await testCerts();
    const { result } = await timed({ tls: certs.valid }, { ca: certs.ca });
    const t = result.layers.transport;
    report.line(`https: dnsMs ${t.dnsMs}, connectMs ${t.connectMs}, tlsMs ${t.tlsMs}`);
    assert.ok(t.tlsMs !== null && t.tlsMs > 0 && t.tlsMs < 500, `tlsMs ${t.tlsMs}`);
    assert.ok(
      t.durationMs !== null && t.durationMs >= t.tlsMs,
      `transport.durationMs ${t.durationMs} includes tlsMs`,
    );
  });
});
