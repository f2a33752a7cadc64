/**
 * Bearer authentication for /api/v1 (and /metrics when it is not public). A missing or unknown token
 * is 401, a read token on an admin route is 403, both as problem+json with a WWW-Authenticate header.
 * Failed attempts count per client address and token prefix (see failed-auth.ts); too many in a
 * minute is 429 until the window resets.
 */
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../http/problem.js';
import type { FailedAuth } from './failed-auth.js';
import { scopeAllows, type Scope, type TokenRecord, type TokenStore } from './tokens.js';

export type Access = 'public' | Scope;

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token of this request (bearer or dashboard session), when authenticated. */
    principal: TokenRecord | null;
  }
}

const REALM = 'Bearer realm="mcpwatch"';

export function bearerOf(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** Who is acting, for incident timelines: never the token itself. */
export function actorOf(token: TokenRecord): string {
  return `token:${token.name}`;
}

export function refuseScope(need: Scope): ProblemError {
  return new ProblemError('forbidden', `this call needs a token with the "${need}" scope`, {
    headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${need}"` },
  });
}

export async function authenticateBearer(
  req: FastifyRequest,
  tokens: TokenStore,
  failures: FailedAuth,
  need: Scope,
): Promise<TokenRecord> {
  const text = bearerOf(req);
  const blocked = await failures.blocked(req.ip, text, tokens);
  if (blocked) {
    throw new ProblemError('rate-limited', 'too many failed authentication attempts; try again later', {
      headers: { 'Retry-After': String(blocked.retryAfterSeconds) },
    });
  }
  if (text === null) {
    throw new ProblemError('unauthorized', 'send an API token as "Authorization: Bearer <token>"', {
      headers: { 'WWW-Authenticate': REALM },
    });
  }
  const token = await tokens.verify(text);
  if (!token) {
    failures.fail(req.ip, text);
    throw new ProblemError('unauthorized', 'the API token is unknown or was revoked', {
      headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` },
    });
  }
  failures.succeed(req.ip, text);
  if (!scopeAllows(token.scope, need)) throw refuseScope(need);
  req.principal = token;
  return token;
}
