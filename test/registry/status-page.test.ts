/**
 * A public status page of a whole registry source (`statusPages[].source`): 5,000 servers grouped
 * by namespace, searchable, 100 to a page, its open incidents counted, its servers' badges public;
 * and it renders within a bound that does not grow with the number of servers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config/index.js';
import type { Incident } from '../../src/engine/types.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { buildApp } from '../../src/web/app.js';
import { TestMonitorView } from '../web/test-view.js';

const N = 5_000;
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const pad = (i: number) => String(i).padStart(4, '0');

function yaml(): string {
  const servers = Array.from({ length: N }, (_, i) => {
    const ns = `io.github.ns${String(i % 40).padStart(2, '0')}`;
    const tags = [
      'registry',
      `registry:${ns}/server-${pad(i)}`,
      'source:eco',
      ...(i === 7 ? ['deprecated'] : []),
    ];
    return `  - { name: ${ns.replaceAll('.', '-')}-server-${pad(i)}, url: "https://s${i}.example.com/mcp", tags: [${tags.map((t) => `"${t}"`).join(', ')}] }`;
  });
  return `server: { publicUrl: http://status.example.test }
servers:
  - { name: private-one, url: "https://private.example.com/mcp" }
${servers.join('\n')}
sources:
  - { name: eco, registry: https://registry.example.com }
statusPages:
  - { slug: ecosystem, title: The public MCP ecosystem, source: eco }
`;
}

describe('a status page of a whole source', () => {
  let store: SqliteStore;
  let app: FastifyInstance;
  before(async () => {
    const { config, problems } = parseConfig(yaml());
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.equal(config!.statusPages[0]?.source, 'eco');
    store = openSqliteStore(':memory:');
    const incident: Incident = {
      id: 'inc-1',
      server: 'io-github-ns03-server-0003',
      severity: 'P1',
      status: 'investigating',
      trigger: 'consecutive_failures',
      activeTriggers: [],
      layer: 'transport',
      code: 'connect_refused',
      openedAt: NOW - 600_000,
      firstFailureAt: NOW - 660_000,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      failedProbes: 3,
      lastGoodAt: null,
      timeline: [],
    };
    await store.writeJudgement({ incidents: [incident] });
    app = buildApp(new TestMonitorView({ config: config!, store, now: () => NOW }));
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('grouped by namespace, 100 to a page, the open incident counted', async () => {
    // Warm (route compilation, JIT) on another page, then measure CPU time, which a busy shared
    // machine does not inflate the way it does wall time.
    await app.inject({ url: '/status/ecosystem?page=50' });
    const cpu = process.cpuUsage();
    const res = await app.inject({ url: '/status/ecosystem' });
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    assert.equal(res.statusCode, 200);
    const body = res.body;
    assert.match(body, /data-matched="5000">\s*Servers 1–100 of 5000/);
    // Namespaces in order; io.github.ns00 holds servers 0, 40, 80, … (125 of them): page 1 is all ns00.
    assert.deepEqual(
      [...body.matchAll(/data-namespace="([^"]+)"/g)].map((m) => m[1]),
      ['io.github.ns00'],
    );
    assert.equal([...body.matchAll(/<tr data-server=/g)].length, 100);
    assert.match(body, /1 of 5000 servers with an open incident/);
    assert.match(body, /<a rel="next" href="\/status\/ecosystem\?page=2">/);
    assert.match(body, /Page 1 of 50/);
    assert.doesNotMatch(body, /private-one/);
    // One pass over the 5,000 servers and 100 rows (each judged from the store here), whatever N is.
    assert.ok(ms < 1_500, `rendered in ${Math.round(ms)} ms of CPU`);
  });

  test('search: by name or registry name; the page keeps the query', async () => {
    const res = await app.inject({ url: '/status/ecosystem?q=NS03/server-000' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Servers 1–1 of 1 matching “NS03\/server-000”/);
    const servers = [...res.body.matchAll(/<tr data-server="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(servers, ['io-github-ns03-server-0003']);
    assert.match(res.body, /data-status="major_outage"/);
    assert.match(res.body, /value="NS03\/server-000"/);

    const page2 = await app.inject({ url: '/status/ecosystem?q=ns07&page=2' });
    assert.match(page2.body, /Servers 101–125 of 125 matching “ns07”/);
    assert.match(page2.body, /<a rel="prev" href="\/status\/ecosystem\?q=ns07">/);
    const none = await app.inject({ url: '/status/ecosystem?q=nothing-like-it' });
    assert.match(none.body, /No server matches\./);
    const deprecated = await app.inject({ url: '/status/ecosystem?q=server-0007' });
    assert.match(deprecated.body, /data-server="io-github-ns07-server-0007"[\s\S]*data-deprecated/);
  });

  test('the source’s servers are public (badges); others stay private', async () => {
    const shown = await app.inject({ url: '/badge/io-github-ns00-server-0000/status.svg' });
    assert.equal(shown.statusCode, 200);
    const hidden = await app.inject({ url: '/badge/private-one/status.svg' });
    assert.equal(hidden.statusCode, 404);
  });
});
