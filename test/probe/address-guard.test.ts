/**
 * The public monitor's address guard, address by address: every form that reaches loopback, private
 * or link-local space (IPv4-mapped, IPv4-compatible, SIIT, 6to4, NAT64, Teredo) and the
 * documentation and reserved ranges are refused; public addresses pass. No traffic is sent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBlockedAddress } from '../../src/probe/address-guard.js';

const BLOCKED: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['10.1.2.3', 'private'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['0.0.0.0', 'this network'],
  ['192.0.2.1', 'TEST-NET-1 (documentation)'],
  ['198.51.100.7', 'TEST-NET-2 (documentation)'],
  ['203.0.113.9', 'TEST-NET-3 (documentation)'],
  ['192.88.99.1', '6to4 relay anycast (deprecated)'],
  ['255.255.255.255', 'broadcast'],
  ['::1', 'IPv6 loopback'],
  ['::', 'IPv6 unspecified'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local, hex'],
  ['::7f00:1', 'IPv4-compatible loopback'],
  ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
  ['::808:808', 'IPv4-compatible (deprecated) of a public address'],
  ['::ffff:0:7f00:1', 'SIIT IPv4-translated loopback'],
  ['::ffff:0:808:808', 'SIIT IPv4-translated (not routable)'],
  ['2002:7f00:1::', '6to4 of loopback'],
  ['2002:a9fe:a9fe::', '6to4 of link-local'],
  ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b:1::a00:1', 'local-use NAT64'],
  ['2001::1', 'Teredo'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['3fff::1', 'IPv6 documentation (RFC 9637)'],
  ['100::1', 'discard-only'],
  ['2001:2::1', 'benchmarking'],
  ['2001:10::1', 'ORCHID'],
  ['2001:20::1', 'ORCHIDv2'],
  ['fc00::1', 'unique local'],
  ['fe80::1', 'link-local'],
  ['fec0::1', 'site-local (deprecated)'],
  ['ff02::1', 'multicast'],
  ['5f00::1', 'SRv6 SIDs (reserved)'],
  ['not-an-address', 'not an IP'],
];

const ALLOWED: [string, string][] = [
  ['8.8.8.8', 'public IPv4'],
  ['1.1.1.1', 'public IPv4'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2a00:1450:4001:80b::200e', 'public IPv6'],
  ['2002:808:808::1', '6to4 of a public address'],
];

describe('isBlockedAddress', () => {
  for (const [address, why] of BLOCKED)
    test(`blocks ${address} (${why})`, () => assert.equal(isBlockedAddress(address), true));
  for (const [address, why] of ALLOWED)
    test(`allows ${address} (${why})`, () => assert.equal(isBlockedAddress(address), false));
});
