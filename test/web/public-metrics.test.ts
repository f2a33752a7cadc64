/** `server.publicMetrics: false` in the config: accepted by the schema and honoured by /metrics. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.js';
import { assertProblem, auth } from './helpers.js';
import { createSeededView, SEED_CONFIG_YAML, seedConfig, type Seeded } from './seed.js';
import { TestMonitorView } from './test-view.js';

const withServer = (extra: string) =>
  SEED_CONFIG_YAML.replace('server: { port: 8080,', `server: { port: 8080, ${extra},`);

describe('server.publicMetrics', () => {
  let seeded: Seeded;
  const apps: FastifyInstance[] = [];
  const appFor = async (yaml: string) => {
    const view = new TestMonitorView({
      config: seedConfig(yaml),
      store: seeded.store,
      now: () => seeded.now,
    });
    const app = buildApp(view);
    apps.push(app);
    await app.ready();
    return app;
  };
  before(async () => {
    seeded = await createSeededView();
  });
  after(async () => {
    for (const app of apps) await app.close();
  });

  test('the schema accepts it; the default is true', () => {
    assert.equal(seedConfig(withServer('publicMetrics: false')).server.publicMetrics, false);
    assert.equal(seedConfig().server.publicMetrics, true);
  });

  test('false: /metrics wants a read token', async () => {
    const app = await appFor(withServer('publicMetrics: false'));
    const problem = assertProblem(await app.inject({ url: '/metrics' }), 401);
    assert.equal(problem.type.endsWith('unauthorized'), true, problem.type);
    const res = await app.inject({ url: '/metrics', headers: auth(seeded.readToken) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /^# HELP /m);
  });

  test('true (the default): /metrics is public', async () => {
    const app = await appFor(SEED_CONFIG_YAML);
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
  });
});
