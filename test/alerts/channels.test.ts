import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkChannels, createChannels } from '../../src/alerts/channels/index.js';
import { routingConfig } from './routing-config.js';

test('every channel of a loaded config builds, with the timeout from the config', () => {
  const config = routingConfig();
  const built = createChannels(config.channels);
  assert.deepEqual(
    [...built.values()].map((c) => [c.name, c.type, c.timeoutMs]),
    [
      ['pager', 'pagerduty', 10_000],
      ['backup', 'opsgenie', 10_000],
      ['phone', 'sms', 10_000],
      ['team', 'slack', 10_000],
      ['mail', 'email', 10_000],
      ['hook', 'webhook', 10_000],
    ],
  );
  assert.deepEqual(checkChannels(config.channels), []);
});

test('configuration problems name the channel and key, never the value', () => {
  const problems = checkChannels([
    { name: 'a', type: 'slack', timeoutMs: 1, settings: { url: 'not a url SECRET' } },
    { name: 'b', type: 'pagerduty', timeoutMs: 1, settings: {} },
    { name: 'c', type: 'carrier-pigeon', timeoutMs: 1, settings: {} },
    { name: 'd', type: 'email', timeoutMs: 1, settings: { from: 'x@example.com', to: 'y@example.com' } },
  ]);
  assert.deepEqual(
    problems.map((p) => p.message),
    [
      'channels.a.url: is not a valid URL',
      'channels.b.routingKey: is required',
      'channels.c.type: unknown channel type "carrier-pigeon" (known: webhook, pagerduty, opsgenie, slack, discord, teams, email, sms)',
      'channels.d.smtp: is required: { host, port, secure, user, pass }',
    ],
  );
});
