/**
 * Response compression (@fastify/compress): brotli or gzip, as the client's Accept-Encoding asks,
 * for answers of 1 KiB and more (JSON, HTML, feeds, SVG, /metrics).
 *
 * - Request bodies are never decompressed here: the OTLP receiver inflates gzip itself, bounded by its
 *   byte cap (otel/body.ts), and no other route takes compressed bodies.
 * - Dashboard pages and forms are not compressed: they carry the session's CSRF token next to text
 *   from the request (a search, a form field), which is what BREACH needs to guess the token from
 *   compressed sizes. Public pages, the API and the assets hold no such secret.
 */
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Dashboard paths (web/dashboard): pages with a CSRF token, login, logout, signed ack links. */
const DASHBOARD = /^\/(?:$|\?|servers\/|incidents(?:\/|$|\?)|login|logout|ack\/)/;

export const COMPRESS_THRESHOLD = 1024;

export function addCompression(app: FastifyInstance): void {
  // Before the plugin's own onRoute hook, so it sees these route options.
  app.addHook('onRoute', (route) => {
    route.decompress = false;
    if (DASHBOARD.test(route.url)) route.compress = false;
  });
  void app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: COMPRESS_THRESHOLD,
  });
}
