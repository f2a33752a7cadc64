/**
 * The one style of the dashboard's and status pages' routes:
 *   app.get(path, { schema: { params: pathParams({ … }) }, config: HTML_PAGE }, async (req, reply) => …)
 * HTML pages are marked `HTML_PAGE` (errors answer browsers as an HTML page, http/problem.ts), path
 * parameters are declared with `pathParams`, and HTML goes out through `sendHtml`.
 */
import type { FastifyReply } from 'fastify';

/** Route config of an HTML page: its errors are HTML for browsers. */
export const HTML_PAGE = { htmlErrors: true } as const;

/** The params schema of a route: every named parameter required, with its schema. */
export function pathParams(properties: Record<string, Record<string, unknown>>) {
  return { type: 'object', required: Object.keys(properties), properties };
}

export function sendHtml(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(text);
}
