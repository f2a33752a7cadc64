import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signAckToken, verifyAckToken } from '../../src/alerts/ack-token.js';
import { ACK_SECRET, HOUR, T0 } from './fixtures.js';

const EXP = T0 + 24 * HOUR;

test('a valid token names its incident until it expires', () => {
  const token = signAckToken('inc-42', EXP, ACK_SECRET);
  assert.match(token, /^v1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(verifyAckToken(token, ACK_SECRET, T0), { ok: true, incidentId: 'inc-42', expiresAt: EXP });
  assert.deepEqual(verifyAckToken(token, ACK_SECRET, EXP - 1000), {
    ok: true,
    incidentId: 'inc-42',
    expiresAt: EXP,
  });
});

test('incident ids with any characters survive the round trip', () => {
  const id = 'docs-search/2025-01-06T09:00Z.ü';
  const v = verifyAckToken(signAckToken(id, EXP, ACK_SECRET), ACK_SECRET, T0);
  assert.equal(v.ok && v.incidentId, id);
});

test('an expired token is refused as expired', () => {
  const token = signAckToken('inc-42', EXP, ACK_SECRET);
  assert.deepEqual(verifyAckToken(token, ACK_SECRET, EXP), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyAckToken(token, ACK_SECRET, EXP + HOUR), { ok: false, reason: 'expired' });
});

test('tampered tokens are refused as bad_signature', () => {
  const token = signAckToken('inc-42', EXP, ACK_SECRET);
  const [v, id, exp, sig] = token.split('.') as [string, string, string, string];
  const otherId = Buffer.from('inc-43').toString('base64url');
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const cases = {
    'other incident': [v, otherId, exp, sig],
    'later expiry': [v, id, String(Number(exp) + 86_400), sig],
    'first signature char': [v, id, exp, flip(sig, 0)],
    'last signature char': [v, id, exp, flip(sig, 42)],
  };
  for (const [name, parts] of Object.entries(cases)) {
    assert.deepEqual(
      verifyAckToken(parts.join('.'), ACK_SECRET, T0),
      { ok: false, reason: 'bad_signature' },
      name,
    );
  }
  assert.deepEqual(verifyAckToken(token, 'another-secret-of-enough-length', T0), {
    ok: false,
    reason: 'bad_signature',
  });
});

test('a tampered expired token reads as tampering, not expiry', () => {
  const token = signAckToken('inc-42', T0 - HOUR, ACK_SECRET);
  const [v, id, exp, sig] = token.split('.') as [string, string, string, string];
  const forged = [v, id, String(Number(exp) + 7 * 86_400), sig].join('.');
  assert.deepEqual(verifyAckToken(forged, ACK_SECRET, T0), { ok: false, reason: 'bad_signature' });
});

test('malformed tokens are refused as malformed', () => {
  for (const t of [
    '',
    'v1',
    'v1.a.b',
    'v2.aW5j.123.' + 'A'.repeat(43),
    'v1.aW5j.12x.' + 'A'.repeat(43),
    'v1.aW5j.123.short',
    'v1.a=b.123.' + 'A'.repeat(43),
  ]) {
    assert.deepEqual(verifyAckToken(t, ACK_SECRET, T0), { ok: false, reason: 'malformed' }, t);
  }
});

test('a short secret is a configuration error', () => {
  assert.throws(() => signAckToken('inc-1', EXP, 'short'), /at least 16 bytes/);
});
