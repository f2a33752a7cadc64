/**
 * Every HTTP channel reads receiver failures the same way: 429/408/5xx retryable (with Retry-After),
 * other 4xx permanent, 410 permanent and disabling, a hang cut by the timeout, a refused connection
 * retryable. Table-driven over all HTTP channels.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Channel } from '../../src/alerts/channel.js';
import { HOOK_SECRET, PD_KEY, notification } from './fixtures.js';
import { channel, send } from './channel-helpers.js';
import { json, startReceiver, text, type Fault, type Receiver } from './receivers/server.js';

let r: Receiver;
before(async () => {
  r = await startReceiver(() => ({ answer: json(200, {}), problems: [] }));
});
after(() => r.close());

const SECRET_PATH = '/very-secret-path-token';
const channels = (): Channel[] => [
  channel('webhook', { url: r.url + SECRET_PATH, secret: HOOK_SECRET }),
  channel('pagerduty', { routingKey: PD_KEY, url: r.url + SECRET_PATH }),
  channel('opsgenie', { apiKey: 'og-key', url: r.url + SECRET_PATH }),
  channel('slack', { url: r.url + SECRET_PATH }),
  channel('discord', { url: r.url + SECRET_PATH }),
  channel('teams', { url: r.url + SECRET_PATH }),
  channel('sms', {
    accountSid: 'AC0123456789abcdef0123456789abcdef',
    authToken: 'tok',
    from: '+15550001111',
    to: '+15550002222',
    url: r.url + SECRET_PATH,
  }),
];

const NOW = Date.now();
const cases: { name: string; fault: Fault; expect: Record<string, unknown> }[] = [
  {
    name: '429 with Retry-After seconds',
    fault: text(429, 'slow down', { 'retry-after': '120' }),
    expect: { ok: false, retryable: true, status: 429, retryAfterMs: 120_000 },
  },
  {
    name: '429 with Retry-After date',
    fault: text(429, 'slow down', { 'retry-after': new Date(NOW + 60_000).toUTCString() }),
    expect: { ok: false, retryable: true, status: 429 },
  },
  {
    name: '429 without Retry-After',
    fault: text(429, 'slow down'),
    expect: { ok: false, retryable: true, status: 429, retryAfterMs: undefined },
  },
  { name: '408', fault: text(408, 'timeout'), expect: { ok: false, retryable: true, status: 408 } },
  {
    name: '500',
    fault: text(500, 'boom'),
    expect: { ok: false, retryable: true, status: 500, retryAfterMs: undefined },
  },
  {
    name: '503 with Retry-After',
    fault: text(503, 'maintenance', { 'retry-after': '30' }),
    expect: { ok: false, retryable: true, status: 503, retryAfterMs: 30_000 },
  },
  {
    name: '400',
    fault: text(400, 'bad request'),
    expect: { ok: false, retryable: false, status: 400, disable: undefined },
  },
  {
    name: '401',
    fault: text(401, 'who are you'),
    expect: { ok: false, retryable: false, status: 401, disable: undefined },
  },
  {
    name: '404',
    fault: text(404, 'no such hook'),
    expect: { ok: false, retryable: false, status: 404, disable: undefined },
  },
  {
    name: '410',
    fault: text(410, 'gone'),
    expect: { ok: false, retryable: false, status: 410, disable: true },
  },
];

for (const c of cases) {
  test(`every HTTP channel: ${c.name}`, async () => {
    for (const ch of channels()) {
      r.fault(c.fault);
      const o = (await send(ch, notification(), { now: NOW })) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(o[k], v, `${ch.type} ${c.name}: ${k}`);
      if (c.name === '429 with Retry-After date') {
        const ms = o.retryAfterMs as number;
        assert.ok(ms > 55_000 && ms <= 60_000, `${ch.type}: ${ms}`);
      }
      assert.ok(
        !String(o.error).includes('very-secret-path-token'),
        `${ch.type}: no secret in "${String(o.error)}"`,
      );
    }
  });
}

test('every HTTP channel: a hanging receiver is cut off by the timeout and retried', async () => {
  for (const ch of channels()) {
    r.fault('hang');
    const started = Date.now();
    const o = await send(ch, notification(), { timeoutMs: 300 });
    const took = Date.now() - started;
    assert.deepEqual(o, { ok: false, retryable: true, error: 'timed out waiting for the receiver' }, ch.type);
    assert.ok(took >= 290 && took < 2_000, `${ch.type} took ${took} ms`);
  }
});

test('every HTTP channel: a refused connection is retried, and the error names no secret', async () => {
  for (const ch of [
    channel('slack', { url: `http://127.0.0.1:1${SECRET_PATH}` }),
    channel('webhook', { url: `http://127.0.0.1:1${SECRET_PATH}`, secret: HOOK_SECRET }),
    channel('pagerduty', { routingKey: PD_KEY, url: `http://127.0.0.1:1${SECRET_PATH}` }),
  ]) {
    const o = await send(ch, notification());
    assert.ok(!o.ok && o.retryable && o.status === undefined, JSON.stringify(o));
    assert.match(!o.ok ? o.error : '', /ECONNREFUSED/);
    assert.ok(!o.ok && !o.error.includes('very-secret-path-token'));
  }
});

test('an answer larger than the cap is read only up to the cap', async () => {
  r.fault(text(500, 'x'.repeat(1_000_000)));
  const o = await send(channel('slack', { url: r.url }), notification());
  assert.ok(!o.ok && o.retryable && o.error.length <= 300);
});
