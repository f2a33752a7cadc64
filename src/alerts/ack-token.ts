/**
 * Signed, expiring acknowledgement links. A token names one incident and an expiry and carries an
 * HMAC-SHA256 over both, so whoever holds the link can acknowledge that incident, and nothing else,
 * until it expires. Format: `v1.<base64url incident id>.<expiry, unix seconds>.<base64url mac>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type AckSecret = string | Uint8Array;

export type AckVerdict =
  | { ok: true; incidentId: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export const DEFAULT_ACK_TTL_MS = 7 * 86_400_000;
const MIN_SECRET_BYTES = 16;

function keyOf(secret: AckSecret): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_SECRET_BYTES) throw new Error(`ack secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

function mac(key: Buffer, encodedId: string, expSeconds: string): Buffer {
  return createHmac('sha256', key).update(`mcpwatch-ack:v1:${encodedId}:${expSeconds}`).digest();
}

/** A token for `incidentId` valid until `expiresAt` (ms since epoch, rounded down to seconds). */
export function signAckToken(incidentId: string, expiresAt: number, secret: AckSecret): string {
  const encodedId = Buffer.from(incidentId, 'utf8').toString('base64url');
  const exp = String(Math.floor(expiresAt / 1000));
  return `v1.${encodedId}.${exp}.${mac(keyOf(secret), encodedId, exp).toString('base64url')}`;
}

/**
 * Checks the signature first (so a changed expiry reads as tampering), then the expiry.
 * The comparison is constant-time.
 */
export function verifyAckToken(token: string, secret: AckSecret, now: number): AckVerdict {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const [, encodedId = '', exp = '', sig = ''] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(encodedId) || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: 'malformed' };
  }
  // Compare the canonical text, not decoded bytes: base64url tolerates variants of the last char.
  const expected = Buffer.from(mac(keyOf(secret), encodedId, exp).toString('base64url'), 'ascii');
  const given = Buffer.from(sig, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const expiresAt = Number(exp) * 1000;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, incidentId: Buffer.from(encodedId, 'base64url').toString('utf8'), expiresAt };
}
