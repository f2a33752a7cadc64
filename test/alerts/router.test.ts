import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMuted, maintenanceAt, mutedThroughout, unmutedFrom } from '../../src/alerts/maintenance.js';
import { digestChannels, notifiedChannels, routeChannels } from '../../src/alerts/router.js';
import { HOUR, MIN, T0, incident } from './fixtures.js';
import { routingConfig } from './routing-config.js';

const config = routingConfig();

test('P1 and P2 follow routes; a server with its own routes overrides them', () => {
  assert.deepEqual(routeChannels(config, 'docs-search', 'P1'), ['pager', 'hook']);
  assert.deepEqual(routeChannels(config, 'docs-search', 'P2'), ['team', 'hook']);
  assert.deepEqual(routeChannels(config, 'billing', 'P1'), ['phone']);
  assert.deepEqual(
    routeChannels(config, 'billing', 'P2'),
    ['team', 'hook'],
    'no override for P2: the global route',
  );
  assert.deepEqual(routeChannels(config, 'unknown-server', 'P1'), ['pager', 'hook']);
});

test('a replaced servers list is routed as it now reads, not as it was first looked up', () => {
  assert.deepEqual(routeChannels(config, 'billing', 'P1'), ['phone']);
  const replaced = {
    ...config,
    servers: config.servers.map((s) => (s.name === 'billing' ? { ...s, routes: { P1: ['team'] } } : s)),
  };
  assert.deepEqual(routeChannels(replaced, 'billing', 'P1'), ['team']);
  assert.deepEqual(routeChannels(config, 'billing', 'P1'), ['phone'], 'the original is unchanged');
  const without = { ...config, servers: config.servers.filter((s) => s.name !== 'billing') };
  assert.deepEqual(routeChannels(without, 'billing', 'P1'), ['pager', 'hook'], 'gone: the global route');
});

test('routing every server of a long list reads the list once, not once per server', () => {
  const base = config.servers[0]!;
  const servers = Array.from({ length: 2_000 }, (_, i) => ({ ...base, name: `s-${i}` }));
  let reads = 0;
  const counted = new Proxy(servers, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const long = { ...config, servers: counted };
  for (const s of servers) assert.deepEqual(digestChannels(long, s.name), ['mail']);
  assert.ok(reads <= 2 * servers.length, `${reads} reads of 2,000 servers`);
});

test('P3 goes to digest channels: "digest" expands, paging channels never get digests', () => {
  assert.deepEqual(digestChannels(config, 'docs-search'), ['mail']);
  assert.deepEqual(digestChannels(config, 'billing'), ['team']);
});

test('maintenance windows mute their servers only, for their time only', () => {
  const inside = Date.parse('2025-01-06T11:00:00Z');
  assert.equal(isMuted(config, 'billing', inside), true);
  assert.equal(maintenanceAt(config, 'billing', inside)?.title, 'DB upgrade');
  assert.equal(isMuted(config, 'docs-search', inside), false);
  assert.equal(isMuted(config, 'billing', Date.parse('2025-01-06T12:00:00Z')), false, 'end is exclusive');
  assert.equal(isMuted(config, 'billing', Date.parse('2025-01-06T09:59:59Z')), false);
  assert.equal(unmutedFrom(config, 'billing', inside), Date.parse('2025-01-06T12:00:00Z'));
  assert.equal(unmutedFrom(config, 'docs-search', inside), inside);
  const opened = Date.parse('2025-01-06T10:30:00Z');
  assert.equal(
    mutedThroughout(
      config,
      incident({ server: 'billing', openedAt: opened, resolvedAt: opened + 10 * MIN }),
      opened + HOUR,
    ),
    true,
  );
  assert.equal(
    mutedThroughout(
      config,
      incident({ server: 'billing', openedAt: opened, resolvedAt: opened + 2 * HOUR }),
      opened + 3 * HOUR,
    ),
    false,
  );
});

test('resolves reach everyone who heard the trigger: the route, a raise to P1, escalations', () => {
  const p1 = incident();
  assert.deepEqual(notifiedChannels(config, p1, T0 + MIN), ['pager', 'hook']);
  assert.deepEqual(
    notifiedChannels(config, p1, T0 + 5 * MIN),
    ['pager', 'hook', 'backup'],
    'escalated at 5 min',
  );
  assert.deepEqual(notifiedChannels(config, { ...p1, acknowledgedAt: T0 + 4 * MIN }, T0 + HOUR), [
    'pager',
    'hook',
  ]);

  const raised = incident({
    timeline: [
      { at: T0, kind: 'opened', message: 'p2' },
      { at: T0 + 10 * MIN, kind: 'severity_raised', message: 'P2 -> P1' },
    ],
  });
  assert.deepEqual(notifiedChannels(config, raised, T0 + 11 * MIN), ['team', 'hook', 'pager']);
  assert.deepEqual(notifiedChannels(config, raised, T0 + 15 * MIN), ['team', 'hook', 'pager', 'backup']);

  const p2 = incident({ severity: 'P2' });
  assert.deepEqual(notifiedChannels(config, p2, T0 + 29 * MIN), ['team', 'hook']);
  assert.deepEqual(notifiedChannels(config, p2, T0 + 30 * MIN), ['team', 'hook', 'pager']);
});
