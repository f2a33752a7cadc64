/** application/x-www-form-urlencoded bodies (dashboard forms work without JavaScript). */
import type { FastifyInstance } from 'fastify';

export type FormBody = Record<string, string>;

/** The last value wins for repeated names; every value is a string. */
export function parseForm(text: string): FormBody {
  const out: FormBody = {};
  for (const [name, value] of new URLSearchParams(text)) out[name] = value;
  return out;
}

export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, parseForm(String(body))),
  );
}
