/**
 * Failed authentication is counted per client address and token prefix (`mcpw_<id>`): someone
 * hammering wrong tokens cannot lock a valid token out from the same address (an office NAT, or
 * every client behind a reverse proxy), while the attempts themselves are stopped with 429. With
 * `server.trustProxy`, the client address comes from X-Forwarded-For; without it (the default) the
 * header is ignored, so it cannot be used to dodge the limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.js';
import { assertProblem, auth } from './helpers.js';
import { createSeededView, SEED_CONFIG_YAML, seedConfig, type Seeded } from './seed.js';
import { TestMonitorView } from './test-view.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const forged = (c: string) => `mcpw_${c.repeat(12)}_${'B'.repeat(43)}`;

describe('failed-auth limits', () => {
  let seeded: Seeded;
  const apps: FastifyInstance[] = [];
  const appFor = async (yaml = SEED_CONFIG_YAML, login = { attempts: 5, windowMs: 60_000 }) => {
    const view = new TestMonitorView({
      config: seedConfig(yaml),
      store: seeded.store,
      now: () => seeded.now,
    });
    const app = buildApp(view, { loginLimit: login });
    apps.push(app);
    await app.ready();
    return app;
  };
  before(async () => {
    seeded = await createSeededView();
  });
  after(async () => {
    for (const a of apps) await a.close();
  });

  test('API: 30 wrong tokens from one address do not lock out a valid token there', async () => {
    const app = await appFor();
    const remoteAddress = '127.0.0.9';
    const api = (token: string) =>
      app.inject({ url: '/api/v1/servers', headers: auth(token), remoteAddress });
    for (let n = 0; n < 30; n++) assertProblem(await api(forged('1')), 401);
    const again = assertProblem(await api(forged('1')), 429);
    assert.match(again.detail, /too many failed authentication attempts/);
    // Another unknown token from the same address: the address is over its limit too.
    assertProblem(await api(forged('2')), 429);
    assertProblem(await api('not-even-a-token'), 429);
    // The valid tokens still work from there.
    assert.equal((await api(seeded.readToken)).statusCode, 200);
    assert.equal((await api(seeded.adminToken)).statusCode, 200);
  });

  test('API: wrong secrets for a real token id are stopped for that id only', async () => {
    const app = await appFor();
    const remoteAddress = '127.0.0.10';
    const id = /^mcpw_([0-9a-f]{12})_/.exec(seeded.readToken)![1]!;
    const wrong = `mcpw_${id}_${'C'.repeat(43)}`;
    const api = (token: string) =>
      app.inject({ url: '/api/v1/servers', headers: auth(token), remoteAddress });
    for (let n = 0; n < 30; n++) assertProblem(await api(wrong), 401);
    assertProblem(await api(wrong), 429);
    assertProblem(await api(seeded.readToken), 429); // same prefix, same address: held back
    assert.equal((await api(seeded.adminToken)).statusCode, 200); // another token is not
  });

  test('login: failed logins do not lock out a valid token from the same address', async () => {
    const app = await appFor();
    const remoteAddress = '127.0.0.11';
    const login = (token: string) =>
      app.inject({ method: 'POST', url: '/login', headers: FORM, payload: `token=${token}`, remoteAddress });
    for (let n = 0; n < 5; n++) assert.equal((await login('nope')).statusCode, 401);
    assertProblem(await login('nope'), 429);
    assertProblem(await login(forged('3')), 429);
    const ok = await login(seeded.adminToken);
    assert.equal(ok.statusCode, 303, ok.body);
  });

  test('X-Forwarded-For is ignored by default', async () => {
    const app = await appFor();
    const remoteAddress = '127.0.0.12';
    for (let n = 0; n < 30; n++)
      assertProblem(
        await app.inject({
          url: '/api/v1/servers',
          headers: { ...auth(forged('4')), 'x-forwarded-for': `10.0.0.${n}` },
          remoteAddress,
        }),
        401,
      );
    const res = await app.inject({
      url: '/api/v1/servers',
      headers: { ...auth(forged('4')), 'x-forwarded-for': '10.0.0.99' },
      remoteAddress,
    });
    assertProblem(res, 429);
  });

  test('server.trustProxy: true counts per forwarded client', async () => {
    const yaml = SEED_CONFIG_YAML.replace('server: { port: 8080,', 'server: { port: 8080, trustProxy: true,');
    assert.equal(seedConfig(yaml).server.trustProxy, true);
    assert.equal(seedConfig().server.trustProxy, false);
    const app = await appFor(yaml);
    const remoteAddress = '127.0.0.13';
    const api = (client: string) =>
      app.inject({
        url: '/api/v1/servers',
        headers: { ...auth(forged('5')), 'x-forwarded-for': client },
        remoteAddress,
      });
    for (let n = 0; n < 30; n++) assertProblem(await api('203.0.113.5'), 401);
    assertProblem(await api('203.0.113.5'), 429);
    assertProblem(await api('203.0.113.6'), 401); // another client behind the same proxy
  });

  test('server.trustProxy takes a list of proxy addresses: only their X-Forwarded-For counts', async () => {
    const yaml = SEED_CONFIG_YAML.replace(
      'server: { port: 8080,',
      'server: { port: 8080, trustProxy: ["127.0.0.14", "10.0.0.0/8"],',
    );
    assert.deepEqual(seedConfig(yaml).server.trustProxy, ['127.0.0.14', '10.0.0.0/8']);
    const app = await appFor(yaml);
    const api = (remoteAddress: string, client: string) =>
      app.inject({
        url: '/api/v1/servers',
        headers: { ...auth(forged('6')), 'x-forwarded-for': client },
        remoteAddress,
      });
    for (let n = 0; n < 30; n++) assertProblem(await api('127.0.0.14', '203.0.113.7'), 401);
    assertProblem(await api('127.0.0.14', '203.0.113.7'), 429);
    assertProblem(await api('127.0.0.14', '203.0.113.8'), 401); // another client of the trusted proxy
    // A peer that is not a listed proxy: its X-Forwarded-For is ignored.
    for (let n = 0; n < 30; n++) assertProblem(await api('127.0.0.15', `203.0.113.${n}`), 401);
    assertProblem(await api('127.0.0.15', '203.0.113.99'), 429);
  });
});
