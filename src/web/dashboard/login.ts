/**
 * Login with an API token (rate-limited per client address), logout. The token is exchanged for a
 * session cookie and is never echoed back: a failed login shows an empty field.
 */
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { serializeCookie } from '../http/cookies.js';
import type { FormBody } from '../http/form.js';
import { html } from '../html/escape.js';
import { problemOf, sendProblem } from '../http/problem.js';
import { Sessions } from '../auth/sessions.js';
import { checkSameOrigin, safeNext, sessionOf, type DashboardDeps } from './context.js';
import { page } from './layout.js';
import { HTML_PAGE, sendHtml } from '../html/route.js';

function loginPage(next: string, error: string | null): string {
  return page({
    title: 'Log in',
    session: null,
    body: html`<div class="narrow card">
      <h1>Log in</h1>
      <p class="muted">
        Use an API token (<code>mcpw_…</code>). <code>mcpwatch serve</code> prints the first one when it
        starts for the first time.
      </p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form class="stack" method="post" action="/login">
        <input type="hidden" name="next" value="${next}" />
        <label
          >API token <input type="password" name="token" autocomplete="current-password" required autofocus
        /></label>
        <button type="submit">Log in</button>
      </form>
    </div>`,
  }).text;
}

export function registerLogin(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/login', { config: HTML_PAGE }, async (req, reply) => {
    const next = safeNext((req.query as { next?: unknown }).next);
    if (await sessionOf(deps, req)) return reply.redirect(next, 303);
    return sendHtml(reply, loginPage(next, null));
  });

  app.post('/login', { config: HTML_PAGE }, async (req, reply) => {
    checkSameOrigin(req);
    const body = (req.body ?? {}) as FormBody;
    const next = safeNext(body.next);
    const text = typeof body.token === 'string' ? body.token.trim() : null;
    const verdict = await deps.loginLimiter.blocked(req.ip, text, deps.tokens);
    if (verdict) {
      return sendProblem(
        reply,
        problemOf('rate-limited', 'too many failed logins from this address; try again later'),
        {
          'Retry-After': String(verdict.retryAfterSeconds),
        },
      );
    }
    const token = text === null ? null : await deps.tokens.verify(text);
    if (!token) {
      deps.loginLimiter.fail(req.ip, text);
      return sendHtml(reply.code(401), loginPage(next, 'That token is unknown or was revoked.'));
    }
    if (token.scope === 'ingest' || token.scope === 'agent') {
      return sendHtml(
        reply.code(403),
        loginPage(
          next,
          token.scope === 'ingest'
            ? 'That token may only send telemetry (scope "ingest"); log in with a read or admin token.'
            : 'That token belongs to a regional agent (scope "agent"); log in with a read or admin token.',
        ),
      );
    }
    deps.loginLimiter.succeed(req.ip, text!);
    const { value, maxAgeSeconds } = await deps.sessions.issue(token);
    reply.header(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, value, { maxAgeSeconds, secure: deps.secureCookies }),
    );
    return reply.redirect(next, 303);
  });

  app.post('/logout', { config: HTML_PAGE }, async (req, reply) => {
    checkSameOrigin(req);
    const session = await sessionOf(deps, req);
    if (session && !Sessions.csrfMatches(session, ((req.body ?? {}) as FormBody)._csrf)) {
      return sendProblem(reply, problemOf('csrf', 'the form is stale; reload the page and try again'));
    }
    reply.header(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: deps.secureCookies }),
    );
    return reply.redirect('/login', 303);
  });
}
