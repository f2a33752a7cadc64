/**
 * Real MCP peers on loopback: server-everything (Streamable HTTP and legacy SSE), supergateway
 * (stateless Streamable HTTP over server-everything's stdio) and mcp-proxy with --apiKey. Each
 * peer is started once for this file and stopped after it. What the prober reports on each is
 * printed after the file.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '../../src/probe/types.js';
import { MCP_PROXY_API_KEY, startPeer, type Peer, type PeerKind } from '../fixtures/peers.js';
import { assertFailure, assertHealthy, probeChecked, Report, type ProbeOpts } from './helpers.js';

const report = new Report();
const peers = new Map<PeerKind, Peer>();
const KINDS: PeerKind[] = ['everything-streamable', 'everything-sse', 'supergateway', 'mcp-proxy'];

before(async () => {
  const started = await Promise.allSettled(KINDS.map((kind) => startPeer(kind)));
  started.forEach((s, i) => {
    if (s.status === 'fulfilled') peers.set(KINDS[i]!, s.value);
  });
  const failed = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.equal(failed.length, 0, failed.map((f) => String(f.reason)).join('\n'));
});

after(async () => {
  await Promise.all([...peers.values()].map((p) => p.stop()));
  report.print('real peers');
});

function peer(kind: PeerKind): Peer {
  const p = peers.get(kind);
  assert.ok(p, `${kind} is not running`);
  return p;
}

async function probePeer(kind: PeerKind, opts: ProbeOpts = {}, label: string = kind): Promise<ProbeResult> {
  const p = peer(kind);
  const { result, wallMs } = await probeChecked(p.url, { timeoutMs: 15_000, ...opts });
  const tools = result.tools
    ? `${result.tools.count} tools, ${result.tools.fingerprint.slice(0, 19)}…`
    : 'no tools';
  const server = result.server ? `${result.server.name} ${result.server.version}` : 'no serverInfo';
  report.add(label, result, `${server}; ${tools}; ${wallMs.toFixed(0)} ms`);
  report.line(`    command: ${p.commandLine}`);
  return result;
}

/** Whether a TCP connect to host:port succeeds (loopback addresses only). */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('every peer listens on 127.0.0.1 only', () => {
  for (const kind of KINDS) {
    test(kind, async () => {
      const { port } = peer(kind);
      assert.equal(await connects('127.0.0.1', port), true, 'reachable on 127.0.0.1');
      // Bound to 0.0.0.0 or :: it would also answer on these loopback addresses.
      assert.equal(
        await connects('127.0.0.2', port),
        false,
        'not reachable on 127.0.0.2 (so not bound to 0.0.0.0)',
      );
      assert.equal(await connects('::1', port), false, 'not reachable on ::1 (so not bound to ::)');
    });
  }
});

async function stableFingerprint(kind: PeerKind, opts: ProbeOpts = {}): Promise<void> {
  const a = await probeChecked(peer(kind).url, { timeoutMs: 15_000, ...opts });
  const b = await probeChecked(peer(kind).url, { timeoutMs: 15_000, ...opts });
  assertHealthy(a.result);
  assertHealthy(b.result);
  assert.equal(a.result.tools?.fingerprint, b.result.tools?.fingerprint);
  assert.deepEqual(a.result.tools?.items, b.result.tools?.items);
}

describe('server-everything, Streamable HTTP', () => {
  test('healthy', async () => {
    const result = await probePeer('everything-streamable');
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.equal(result.protocolVersion, '2025-11-25');
    assert.equal(result.server?.name, 'mcp-servers/everything');
    assert.ok((result.tools?.count ?? 0) > 0, 'lists tools');
  });
  test('fingerprint stable across two probes', () => stableFingerprint('everything-streamable'));
});

describe('server-everything, legacy SSE', () => {
  test('healthy', async () => {
    const result = await probePeer('everything-sse');
    assertHealthy(result);
    assert.equal(result.transport, 'sse');
    assert.equal(result.protocolVersion, '2025-11-25');
    assert.equal(result.server?.name, 'mcp-servers/everything');
    assert.ok((result.tools?.count ?? 0) > 0, 'lists tools');
  });
  test('fingerprint stable across two probes', () => stableFingerprint('everything-sse'));
});

describe('supergateway, stateless Streamable HTTP', () => {
  test('healthy (protocol version recorded)', async () => {
    const result = await probePeer('supergateway');
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.ok((result.tools?.count ?? 0) > 0, 'lists tools');
    assert.ok(result.protocolVersion, 'a protocol version was negotiated');
  });
});

describe('mcp-proxy --apiKey', () => {
  test('without the key: http/auth_required with auth', async () => {
    const result = await probePeer('mcp-proxy', {}, 'mcp-proxy (no key)');
    assertFailure(result, { layer: 'http', code: 'auth_required', httpStatus: 401 });
    assert.equal(result.auth?.required, true);
    assert.equal(result.auth?.scheme, 'Bearer');
    assert.equal(result.auth?.resourceMetadata ?? null, null, 'mcp-proxy sends no resource_metadata');
  });

  test('with X-API-Key: healthy', async () => {
    const result = await probePeer(
      'mcp-proxy',
      { headers: { 'X-API-Key': MCP_PROXY_API_KEY } },
      'mcp-proxy (X-API-Key)',
    );
    assertHealthy(result);
    assert.equal(result.transport, 'streamable-http');
    assert.ok((result.tools?.count ?? 0) > 0, 'lists tools');
  });

  test('with a wrong key: still auth_required', async () => {
    const result = await probePeer(
      'mcp-proxy',
      { headers: { 'X-API-Key': 'wrong' } },
      'mcp-proxy (wrong key)',
    );
    assertFailure(result, { layer: 'http', code: 'auth_required', httpStatus: 401 });
  });

  test('fingerprint stable across two probes', () =>
    stableFingerprint('mcp-proxy', { headers: { 'X-API-Key': MCP_PROXY_API_KEY } }));
});
