/**
 * What every dashboard route shares: the monitor, tokens, sessions and the login limiter, and the
 * checks a cookie-authenticated request passes (session, scope, same origin, CSRF token).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, Sessions } from '../auth/sessions.js';
import { SESSION_COOKIE, Sessions as SessionsClass } from '../auth/sessions.js';
import { refuseScope } from '../auth/guard.js';
import { scopeAllows, type TokenStore } from '../auth/tokens.js';
import { parseCookies } from '../http/cookies.js';
import type { FormBody } from '../http/form.js';
import { ProblemError } from '../http/problem.js';
import type { FailedAuth } from '../auth/failed-auth.js';
import type { MonitorView } from '../../monitor/monitor-view.js';

export interface DashboardDeps {
  view: MonitorView;
  tokens: TokenStore;
  sessions: Sessions;
  /** Failed logins, per address and token prefix. */
  loginLimiter: FailedAuth;
  secureCookies: boolean;
}

export async function sessionOf(deps: DashboardDeps, req: FastifyRequest): Promise<Session | null> {
  return deps.sessions.read(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
}

/** A local path to come back to after login (never another origin). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && next.length < 2000 ? next : '/';
}

/** For GET pages: the session, or a redirect to the login page (returns null after redirecting). */
export async function pageSession(
  deps: DashboardDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Session | null> {
  const session = await sessionOf(deps, req);
  if (session) return session;
  await reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 303);
  return null;
}

/** The request's own origin, as a browser would send it in `Origin`. */
function ownOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? ''}`;
}

export function checkSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && origin !== ownOrigin(req)) {
    throw new ProblemError('forbidden', 'cross-origin form posts are refused');
  }
  if (origin === 'null') throw new ProblemError('forbidden', 'cross-origin form posts are refused');
}

/** For POST actions: a live session with the admin scope, from this origin, with the right CSRF token. */
export async function actionSession(deps: DashboardDeps, req: FastifyRequest): Promise<Session> {
  checkSameOrigin(req);
  const session = await sessionOf(deps, req);
  if (!session)
    throw new ProblemError('unauthorized', 'log in to the dashboard first (the session may have expired)');
  const body = (req.body ?? {}) as FormBody;
  if (!SessionsClass.csrfMatches(session, body._csrf)) {
    throw new ProblemError(
      'csrf',
      'the form is stale or was not sent by this dashboard; reload the page and try again',
    );
  }
  if (!scopeAllows(session.token.scope, 'admin')) throw refuseScope('admin');
  return session;
}
