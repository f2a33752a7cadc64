/**
 * Failed authentication (API bearer tokens, dashboard logins), counted twice: per client address and
 * token prefix (`mcpw_<id>`), and per client address. A prefix over its limit is refused from that
 * address; an address over its limit is refused for every token id that does not exist. So someone
 * trying tokens from a shared address (an office NAT, every client behind a reverse proxy) is
 * stopped, while a real token from that address keeps working (unless its own id is the one being
 * hammered from there). Behind a proxy, `server.trustProxy` makes the client address the forwarded one.
 */
import { RateLimiter, type RateLimitVerdict } from '../http/rate-limit.js';
import type { TokenStore } from './tokens.js';

const ID = /^mcpw_([0-9a-f]{12})_/;

/** The token's id, or a bucket for anything that is not a token at all. */
export function tokenPrefix(text: string | null): string {
  if (text === null) return 'none';
  return ID.exec(text)?.[1] ?? 'malformed';
}

export class FailedAuth {
  private readonly perPrefix: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(
    private readonly scope: string,
    limit: number,
    windowMs: number,
    now: () => number,
  ) {
    this.perPrefix = new RateLimiter(limit, windowMs, now);
    this.perAddress = new RateLimiter(limit, windowMs, now);
  }

  /** The refusal for this attempt, or null when it may be tried. */
  async blocked(ip: string, text: string | null, tokens: TokenStore): Promise<RateLimitVerdict | null> {
    const prefix = tokenPrefix(text);
    const own = this.perPrefix.blocked(this.key(ip, prefix));
    if (own) return own;
    const address = this.perAddress.blocked(this.key(ip));
    if (!address) return null;
    const known = prefix.length === 12 && (await tokens.byId(prefix)) !== null;
    return known ? null : address;
  }

  fail(ip: string, text: string | null): void {
    this.perPrefix.hit(this.key(ip, tokenPrefix(text)));
    this.perAddress.hit(this.key(ip));
  }

  /** A success forgets the failures of that token from that address. */
  succeed(ip: string, text: string): void {
    this.perPrefix.reset(this.key(ip, tokenPrefix(text)));
  }

  private key(ip: string, prefix?: string): string {
    return prefix === undefined ? `${this.scope}:${ip}` : `${this.scope}:${ip}:${prefix}`;
  }
}
