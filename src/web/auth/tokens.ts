/**
 * API tokens: `mcpw_<id>_<secret>`, stored only as a sha256 hash in the store's meta table (key
 * `web.tokens`, a JSON list). The secret is shown once, when created, and never again: not in
 * responses, not in pages, not in logs. Scopes: `read` (GET everything), `admin` (read + change,
 * and ingest), `ingest` (only sends OpenTelemetry data to /v1/traces and /v1/metrics) and `agent`
 * (only the regional agent routes, /api/v1/agent/*: fetch assignments, push results). The agent
 * routes take agent tokens alone, admin ones included refused: an agent token is the one credential
 * that leaves the hub's network, and the routes that hand out probe settings stay its own.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';

export type Scope = 'read' | 'admin' | 'ingest' | 'agent';

export interface TokenRecord {
  id: string;
  name: string;
  scope: Scope;
  /** Hex sha256 of the whole token text. */
  hash: string;
  createdAt: number;
}

/** What the API may show about a token: everything but its hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

export const TOKENS_KEY = 'web.tokens';
/** Set once the first admin token was issued, so revoking every token never re-creates one. */
export const TOKENS_INITIALIZED_KEY = 'web.tokens.initialized';

const TOKEN_FORMAT = /^mcpw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function scopeAllows(have: Scope, need: Scope): boolean {
  if (need === 'agent') return have === 'agent';
  return have === 'admin' || have === need;
}

export function tokenInfo(r: TokenRecord): TokenInfo {
  return { id: r.id, name: r.name, scope: r.scope, createdAt: r.createdAt };
}

/** Reads tokens through a short cache so that every API call does not read the meta table. */
export class TokenStore {
  private cache: { records: TokenRecord[]; until: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = 2_000,
  ) {}

  async list(): Promise<TokenRecord[]> {
    const now = this.now();
    if (this.cache && this.cache.until > now) return this.cache.records;
    const text = await this.store.getMeta(TOKENS_KEY);
    const records = text ? (JSON.parse(text) as TokenRecord[]) : [];
    this.cache = { records, until: now + this.cacheMs };
    return records;
  }

  private async save(records: TokenRecord[]): Promise<void> {
    await this.store.setMeta(TOKENS_KEY, JSON.stringify(records));
    this.cache = null;
  }

  /** Creates a token and returns its text: the only time it exists outside the caller's hands. */
  async create(name: string, scope: Scope): Promise<{ token: string; info: TokenInfo }> {
    const id = randomBytes(6).toString('hex');
    const token = `mcpw_${id}_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id, name, scope, hash: hashToken(token), createdAt: this.now() };
    this.cache = null;
    await this.save([...(await this.list()), record]);
    return { token, info: tokenInfo(record) };
  }

  async revoke(id: string): Promise<boolean> {
    this.cache = null;
    const records = await this.list();
    const kept = records.filter((r) => r.id !== id);
    if (kept.length === records.length) return false;
    await this.save(kept);
    return true;
  }

  async byId(id: string): Promise<TokenRecord | null> {
    return (await this.list()).find((r) => r.id === id) ?? null;
  }

  /** The token's record when the text is a live token; constant-time on the hash. */
  async verify(token: string): Promise<TokenRecord | null> {
    const match = TOKEN_FORMAT.exec(token);
    if (!match) return null;
    const record = await this.byId(match[1]!);
    if (!record) return null;
    const given = Buffer.from(hashToken(token), 'hex');
    const expected = Buffer.from(record.hash, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? record : null;
  }
}

/**
 * On the first start ever, creates an admin token and returns its text for `serve` to print once;
 * afterwards (even when every token was revoked) returns null.
 */
export async function ensureFirstToken(store: Store): Promise<string | null> {
  if ((await store.getMeta(TOKENS_INITIALIZED_KEY)) !== null) return null;
  const tokens = new TokenStore(store);
  if ((await tokens.list()).length > 0) {
    await store.setMeta(TOKENS_INITIALIZED_KEY, '1');
    return null;
  }
  const { token } = await tokens.create('first-admin', 'admin');
  await store.setMeta(TOKENS_INITIALIZED_KEY, '1');
  return token;
}

/** Creates an extra token (for a future `mcpwatch token create`); returns its text once. */
export async function createToken(store: Store, name: string, scope: Scope): Promise<string> {
  return (await new TokenStore(store).create(name, scope)).token;
}
