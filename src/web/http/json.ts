/**
 * The JSON body parser: an empty body is "no body" (POST /acknowledge with a JSON content type and
 * nothing in it is fine), and keys that could pollute prototypes are refused.
 */
import type { FastifyInstance } from 'fastify';
import { ProblemError } from './problem.js';

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new ProblemError('bad-request', `the JSON body may not contain the key "${key}"`);
      }
      return value;
    });
  } catch (err) {
    if (err instanceof ProblemError) throw err;
    throw new ProblemError('bad-request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

export function addJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 256 * 1024 },
    (_req, body, done) => {
      try {
        done(null, parseJsonBody(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
