/**
 * The web face of mcpwatch on one port: /healthz, /metrics, the JSON API under /api/v1 (bearer
 * tokens), the operator dashboard (login → session cookie + CSRF), public status pages, feeds and
 * badges. `buildApp` wires routes only; `serve` owns the monitor behind the MonitorView.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { API_ROUTES } from './api/index.js';
import { registerApi } from './api/route.js';
import { ASSETS } from './assets.js';
import { FailedAuth } from './auth/failed-auth.js';
import { authenticateBearer } from './auth/guard.js';
import { Sessions } from './auth/sessions.js';
import { TokenStore } from './auth/tokens.js';
import { registerDashboard } from './dashboard/routes.js';
import { addFormParser } from './http/form.js';
import { addJsonParser } from './http/json.js';
import { clientErrorHandler } from './http/client-errors.js';
import { handleError, problemOf, sendProblem } from './http/problem.js';
import { addSecurityHeaders } from './http/security.js';
import { createWebMetrics, type WebMetrics } from './metrics.js';
import type { MonitorView } from '../monitor/monitor-view.js';
import { viewSource } from '../mcp/source.js';
import { registerMcpRoute } from './mcp-route.js';
import { registerStatusRoutes } from './status/routes.js';
import { storeHealth } from './store-health.js';
import { clusterHealth } from './cluster.js';
import { errorPage } from './html/error-page.js';
import { registerOtlp } from './otlp.js';
import { addCompression } from './compression.js';

export const DEFAULT_PORT = 8080;

export interface WebOptions {
  /** Fastify logger settings (default off). URLs of acknowledgement links are redacted in logs. */
  logger?: boolean | NonNullable<FastifyServerOptions['loggerInstance']> | Record<string, unknown>;
  /** Metrics to expose on /metrics; serve passes the instance it feeds with recordProbe(). */
  metrics?: WebMetrics;
  /** Serve /metrics without a token (default: config `server.publicMetrics`, true); false requires a `read` bearer token. */
  publicMetrics?: boolean;
  /** Mark cookies Secure (default: when config.server.publicUrl is https). */
  secureCookies?: boolean;
  /** Send Strict-Transport-Security (default: same as secureCookies). */
  hsts?: boolean;
  /** Failed logins per client address (and token prefix) and window (default 10 per 15 minutes). */
  loginLimit?: { attempts: number; windowMs: number };
  /** Trust X-Forwarded-* from a reverse proxy (default: config `server.trustProxy`, false). */
  trustProxy?: boolean | string[];
}

/** `/ack/<token>` -> `/ack/[redacted]` so capability links never reach a log. */
export function redactLoggedUrl(url: string): string {
  return url.replace(/^\/ack\/[^/?#]+/, '/ack/[redacted]');
}

function loggerOption(logger: WebOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return {
    ...base,
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactLoggedUrl(req.url),
        ip: req.ip,
      }),
    },
  } as FastifyServerOptions['logger'];
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route the app registered (HEAD routes included), for tests and docs. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

export function buildApp(view: MonitorView, opts: WebOptions = {}): FastifyInstance {
  const config = view.config();
  const publicUrl = config.server.publicUrl.replace(/\/+$/, '');
  const secureCookies = opts.secureCookies ?? publicUrl.startsWith('https://');
  const app = Fastify({
    logger: loggerOption(opts.logger),
    trustProxy: opts.trustProxy ?? config.server.trustProxy ?? false,
    clientErrorHandler,
    bodyLimit: 256 * 1024,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  addCompression(app);
  app.decorateRequest('principal', null);
  addJsonParser(app);
  addFormParser(app);
  addSecurityHeaders(app, { hsts: opts.hsts ?? secureCookies });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    const problem = problemOf(
      'not-found',
      `nothing at ${req.method} ${redactLoggedUrl(req.url.split('?')[0] ?? '')}`,
    );
    if (!req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(errorPage(404, problem.title, problem.detail).text);
    }
    return sendProblem(reply, problem);
  });

  // Routes load after the plugins above (compression), so that their onRoute hooks see every route.
  void app.register(async (scope) => {
    const now = () => view.now();
    const tokens = new TokenStore(view.store, now);
    const authFailures = new FailedAuth('bearer', 30, 60_000, now);
    const metrics = opts.metrics ?? createWebMetrics(view);
    const publicMetrics = opts.publicMetrics ?? config.server.publicMetrics ?? true;

    scope.get('/healthz', async (_req, reply) => {
      const time = new Date(view.now()).toISOString();
      const [store, cluster] = await Promise.all([
        storeHealth(view.store),
        view.cluster ? view.cluster().catch(() => null) : null,
      ]);
      const instances = cluster ? { instance: cluster.self, instances: clusterHealth(cluster) } : {};
      // Degraded: the database is away but writes wait in memory; 200 so that a liveness check does
      // not restart the process (and lose them).
      if (!store.ok && store.degraded) return reply.send({ status: 'degraded', time, store, ...instances });
      if (!store.ok) return reply.code(503).send({ status: 'failing', time, store, ...instances });
      return reply.send({ status: 'ok', time, ...instances });
    });

    scope.get('/metrics', async (req, reply) => {
      if (!publicMetrics) await authenticateBearer(req, tokens, authFailures, 'read');
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });

    scope.get('/assets/:file', async (req, reply) => {
      const asset = ASSETS[req.url.split('?')[0] ?? ''];
      if (!asset) return sendProblem(reply, problemOf('not-found', 'no such asset'));
      return reply
        .header('Cache-Control', 'public, max-age=31536000, immutable')
        .type(asset.type)
        .send(asset.body);
    });

    registerApi(scope, API_ROUTES, { view, tokens, publicUrl }, authFailures);
    registerMcpRoute(scope, { source: viewSource(view), tokens, failures: authFailures, publicUrl });
    if (view.telemetry) registerOtlp(scope, { telemetry: view.telemetry, tokens, authFailures });
    registerStatusRoutes(scope, view);
    const limit = opts.loginLimit ?? { attempts: 10, windowMs: 15 * 60_000 };
    registerDashboard(scope, {
      view,
      tokens,
      sessions: new Sessions(view.store, tokens, now),
      loginLimiter: new FailedAuth('login', limit.attempts, limit.windowMs, now),
      secureCookies,
    });
  });
  return app;
}

/** Listens on config.server.host:port (default 127.0.0.1:8080) unless given; returns the base URL. */
export async function startWeb(
  view: MonitorView,
  opts: WebOptions & { port?: number; host?: string } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildApp(view, opts);
  const port = opts.port ?? view.config().server.port ?? DEFAULT_PORT;
  const host = opts.host ?? view.config().server.host ?? '127.0.0.1';
  const address = await app.listen({ port, host });
  return { app, url: address };
}
