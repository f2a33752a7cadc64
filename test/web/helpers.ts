/** Shared by the web tests: a seeded app, authenticated injects, and problem+json assertions. */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type WebOptions } from '../../src/web/app.js';
import { createSeededView, SECRETS, type Seeded } from './seed.js';

export interface TestApp extends Seeded {
  app: FastifyInstance;
}

export async function seededApp(opts: WebOptions = {}): Promise<TestApp> {
  const seeded = await createSeededView();
  const app = buildApp(seeded.view, opts);
  await app.ready();
  return { ...seeded, app };
}

export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [k: string]: unknown;
}

/** The response is a problem+json with this status, carrying type/title/status/detail. */
export function assertProblem(res: LightMyRequestResponse, status: number): Problem {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json<Problem>();
  assert.equal(body.status, status);
  for (const key of ['type', 'title', 'detail'] as const)
    assert.equal(typeof body[key], 'string', `problem.${key}`);
  assert.ok(body.type.length > 0 && body.title.length > 0 && body.detail.length > 0);
  return body;
}

/** No configured secret, and no token text, appears anywhere in the response. */
export function assertNoSecrets(res: LightMyRequestResponse, tokens: readonly string[] = []): void {
  const text = `${JSON.stringify(res.headers)}\n${res.body}`;
  for (const secret of [...Object.values(SECRETS), ...tokens]) {
    assert.ok(!text.includes(secret), `secret ${secret.slice(0, 6)}… leaked in ${res.raw.req.url}`);
  }
}

/** `/servers/:name` with sample values for its parameters. */
export function samplePath(path: string, values: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    name: 'docs-search',
    id: 'inc-billing-0615',
    slug: 'public',
    ...values,
  };
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, p: string) => encodeURIComponent(defaults[p] ?? 'x'));
}
