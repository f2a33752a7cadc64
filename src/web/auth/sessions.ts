/**
 * Dashboard sessions: after a login with an API token, the browser holds an HttpOnly, SameSite=Strict
 * cookie `<token id>.<expiry>.<nonce>.<mac>` signed with a random key kept in the meta table
 * (`web.session_key`). The cookie never contains the token itself. A session dies with its token
 * (revocation) or at its expiry. Every POST from a session carries a CSRF token derived from the
 * session nonce (HMAC), checked in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { TokenRecord, TokenStore } from './tokens.js';

export const SESSION_COOKIE = 'mcpwatch_session';
export const SESSION_KEY_META = 'web.session_key';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Session {
  token: TokenRecord;
  expiresAt: number;
  csrf: string;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  private key: Buffer | null = null;

  constructor(
    private readonly store: Store,
    private readonly tokens: TokenStore,
    private readonly now: () => number,
  ) {}

  private async signingKey(): Promise<Buffer> {
    if (this.key) return this.key;
    let text = await this.store.getMeta(SESSION_KEY_META);
    if (!text) {
      text = randomBytes(32).toString('base64url');
      await this.store.setMeta(SESSION_KEY_META, text);
    }
    this.key = Buffer.from(text, 'base64url');
    return this.key;
  }

  private mac(key: Buffer, text: string): string {
    return createHmac('sha256', key).update(text).digest('base64url');
  }

  /** A new cookie value for a verified token. */
  async issue(token: TokenRecord): Promise<{ value: string; maxAgeSeconds: number }> {
    const key = await this.signingKey();
    const exp = Math.floor((this.now() + SESSION_TTL_MS) / 1000);
    const body = `${token.id}.${exp}.${randomBytes(16).toString('base64url')}`;
    return { value: `${body}.${this.mac(key, `session:${body}`)}`, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** The session of a cookie value, or null when forged, expired, or its token was revoked. */
  async read(value: string | undefined): Promise<Session | null> {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [id = '', exp = '', nonce = '', mac = ''] = parts;
    if (!/^[0-9a-f]{12}$/.test(id) || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{22}$/.test(nonce))
      return null;
    const key = await this.signingKey();
    const body = `${id}.${exp}.${nonce}`;
    if (!equal(mac, this.mac(key, `session:${body}`))) return null;
    const expiresAt = Number(exp) * 1000;
    if (expiresAt <= this.now()) return null;
    const token = await this.tokens.byId(id);
    if (!token) return null;
    return { token, expiresAt, csrf: this.mac(key, `csrf:${nonce}`).slice(0, 32) };
  }

  static csrfMatches(session: Session, given: unknown): boolean {
    return typeof given === 'string' && equal(given, session.csrf);
  }
}
