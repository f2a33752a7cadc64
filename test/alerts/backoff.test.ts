import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, parseRetryAfter } from '../../src/alerts/backoff.js';
import { T0 } from './fixtures.js';

test('Retry-After in seconds, as an HTTP date, or unreadable', () => {
  assert.equal(parseRetryAfter('120', T0), 120_000);
  assert.equal(parseRetryAfter('0', T0), 0);
  assert.equal(parseRetryAfter('1.5', T0), 1_500);
  assert.equal(parseRetryAfter(new Date(T0 + 90_000).toUTCString(), T0), 90_000);
  assert.equal(parseRetryAfter(new Date(T0 - 90_000).toUTCString(), T0), 0);
  assert.equal(parseRetryAfter('soon', T0), undefined);
  assert.equal(parseRetryAfter('', T0), undefined);
  assert.equal(parseRetryAfter(undefined, T0), undefined);
});

test('full jitter: uniform below an exponentially growing cap', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };
  assert.equal(
    backoffDelay(1, policy, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(1, policy, () => 0.5),
    500,
  );
  assert.equal(
    backoffDelay(2, policy, () => 0.5),
    1_000,
  );
  assert.equal(
    backoffDelay(4, policy, () => 0.5),
    4_000,
  );
  assert.equal(
    backoffDelay(4, policy, () => 0.999),
    7_992,
  );
  assert.equal(
    backoffDelay(10, policy, () => 0.5),
    30_000,
    'capped at maxMs',
  );
  assert.equal(
    backoffDelay(60, policy, () => 0.999),
    59_940,
  );
});
