/** Transport-layer fault cases: DNS, TCP, TLS and the private-address guard. */
import assert from 'node:assert/strict';
import {
  closedPortUrl,
  fullBacklogServer,
  garbageServer,
  resetServer,
  silentTlsServer,
  tlsAlertServer,
} from '../fixtures/raw-servers.js';
import { nowhere, raw, server, tlsServer, trustCa, type FaultCase } from './cases.js';
import { lookupFailing, lookupTo } from './helpers.js';

const tlsFactsKept = (authorized: boolean) => (result: Parameters<NonNullable<FaultCase['check']>>[0]) => {
  assert.ok(result.tls, 'tls facts should be reported even when the certificate fails');
  assert.equal(result.tls.authorized, authorized);
  assert.notEqual(result.layers.transport.tlsMs, null, 'tlsMs');
};

export const TRANSPORT_CASES: FaultCase[] = [
  {
    name: 'DNS: ENOTFOUND',
    target: nowhere('http://mcp.test:8080/mcp'),
    options: () => ({ lookup: lookupFailing('ENOTFOUND') }),
    expect: { layer: 'transport', code: 'dns_not_found' },
  },
  {
    name: 'DNS: EAI_AGAIN',
    target: nowhere('http://mcp.test:8080/mcp'),
    options: () => ({ lookup: lookupFailing('EAI_AGAIN') }),
    expect: { layer: 'transport', code: 'dns_failed' },
  },
  {
    name: 'DNS: ESERVFAIL',
    target: nowhere('http://mcp.test:8080/mcp'),
    options: () => ({ lookup: lookupFailing('ESERVFAIL') }),
    expect: { layer: 'transport', code: 'dns_failed' },
  },
  {
    name: 'DNS: no addresses',
    target: nowhere('http://mcp.test:8080/mcp'),
    options: () => ({ lookup: async () => [] }),
    expect: { layer: 'transport', code: 'dns_not_found' },
  },
  {
    name: 'TCP: closed port',
    target: async () => ({ url: await closedPortUrl(), close: async () => {} }),
    expect: { layer: 'transport', code: 'connect_refused' },
  },
  {
    name: 'TCP: full accept queue (SYN dropped)',
    target: raw(fullBacklogServer),
    options: () => ({ timeoutMs: 1500 }),
    expect: { layer: 'transport', code: 'connect_timeout' },
  },
  {
    name: 'TCP: reset on accept',
    target: raw(resetServer),
    expect: { layer: 'transport', code: 'connection_reset' },
  },
  {
    name: 'TLS: fatal alert instead of ServerHello',
    target: raw(tlsAlertServer),
    expect: { layer: 'transport', code: 'tls_handshake_failed' },
  },
  {
    name: 'TLS: plain bytes on an https URL',
    target: async () => {
      const s = await garbageServer();
      return { ...s, url: s.url.replace('http:', 'https:') };
    },
    expect: { layer: 'transport', code: 'tls_handshake_failed' },
  },
  {
    name: 'TLS: no ServerHello ever',
    target: raw(silentTlsServer),
    options: () => ({ timeoutMs: 1500 }),
    expect: { layer: 'transport', code: 'tls_timeout' },
  },
  {
    name: 'TLS: expired certificate',
    target: tlsServer('expired'),
    options: trustCa,
    expect: { layer: 'transport', code: 'tls_cert_expired' },
    check: (r) => {
      tlsFactsKept(false)(r);
      assert.ok(
        r.tls && r.tls.daysRemaining < 0,
        `daysRemaining should be negative, is ${r.tls?.daysRemaining}`,
      );
    },
  },
  {
    name: 'TLS: certificate not yet valid',
    target: tlsServer('notYetValid'),
    options: trustCa,
    expect: { layer: 'transport', code: 'tls_cert_not_yet_valid' },
    check: tlsFactsKept(false),
  },
  {
    name: 'TLS: certificate for another host',
    target: tlsServer('wrongHost'),
    options: trustCa,
    expect: { layer: 'transport', code: 'tls_hostname_mismatch' },
    check: (r) => {
      tlsFactsKept(false)(r);
      assert.deepEqual(r.tls?.altNames, ['other.test']);
    },
  },
  {
    name: 'TLS: certificate for another host (by name)',
    target: tlsServer('wrongHost'),
    url: (t) => t.url.replace('127.0.0.1', 'mcp.test'),
    options: (_, certs) => ({ ca: certs.ca, lookup: lookupTo('127.0.0.1') }),
    expect: { layer: 'transport', code: 'tls_hostname_mismatch' },
  },
  {
    name: 'TLS: self-signed, not from the trusted CA',
    target: tlsServer('untrusted'),
    options: trustCa,
    expect: { layer: 'transport', code: 'tls_untrusted' },
    check: tlsFactsKept(false),
  },
  {
    name: 'TLS: valid certificate but CA not trusted',
    target: tlsServer('valid'),
    expect: { layer: 'transport', code: 'tls_untrusted' },
  },
  {
    name: 'guard: loopback IP literal',
    target: server(),
    options: () => ({ blockPrivateAddresses: true }),
    expect: { layer: 'transport', code: 'blocked_address' },
  },
  {
    name: 'guard: ::1',
    target: nowhere('http://[::1]:8080/mcp'),
    options: () => ({ blockPrivateAddresses: true }),
    expect: { layer: 'transport', code: 'blocked_address' },
  },
  {
    name: 'guard: DNS rebinding (public name -> 127.0.0.1)',
    target: server(),
    url: (t) => t.url.replace('127.0.0.1', 'mcp.test'),
    options: () => ({ blockPrivateAddresses: true, lookup: lookupTo('127.0.0.1') }),
    expect: { layer: 'transport', code: 'blocked_address' },
    check: (_, t) =>
      assert.equal(t.fixture?.log.length, 0, 'the guard must refuse before any request reaches the server'),
  },
  {
    name: 'guard: IPv4-mapped IPv6 (::ffff:127.0.0.1)',
    target: server(),
    url: (t) => t.url.replace('127.0.0.1', 'mcp.test'),
    options: () => ({ blockPrivateAddresses: true, lookup: lookupTo('::ffff:127.0.0.1') }),
    expect: { layer: 'transport', code: 'blocked_address' },
  },
];
