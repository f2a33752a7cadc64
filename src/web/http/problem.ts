/**
 * RFC 9457 problem details: every refused request gets `application/problem+json` with type, title,
 * status and detail. Routes marked `config: { htmlErrors: true }` (dashboard pages) answer browsers
 * that accept HTML with a small error page carrying the same facts instead.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorPage } from '../html/error-page.js';
import { drainRequestBody, tooLargeDetail } from './body-limit.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Render errors as HTML for browsers (dashboard and status pages). */
    htmlErrors?: boolean;
  }
}

export type ProblemKind =
  | 'bad-request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'internal';

const TITLES: Record<ProblemKind, [number, string]> = {
  'bad-request': [400, 'Bad request'],
  validation: [400, 'Invalid request'],
  unauthorized: [401, 'Authentication required'],
  forbidden: [403, 'Not allowed'],
  csrf: [403, 'Invalid or missing CSRF token'],
  'not-found': [404, 'Not found'],
  'method-not-allowed': [405, 'Method not allowed'],
  conflict: [409, 'Conflict'],
  'payload-too-large': [413, 'Payload too large'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'rate-limited': [429, 'Too many requests'],
  internal: [500, 'Internal error'],
};

export const PROBLEM_TYPE_BASE = 'urn:mcpwatch:problem:';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Extension members, e.g. `errors` (validation) or `problems` (config). */
  [extension: string]: unknown;
}

/** Thrown by handlers; the error handler turns it into a problem response. */
export class ProblemError extends Error {
  readonly kind: ProblemKind;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    kind: ProblemKind,
    detail: string,
    opts: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.kind = kind;
    this.extensions = opts.extensions ?? {};
    this.headers = opts.headers ?? {};
  }

  get status(): number {
    return TITLES[this.kind][0];
  }
}

export function problemOf(
  kind: ProblemKind,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const [status, title] = TITLES[kind];
  return { ...extensions, type: PROBLEM_TYPE_BASE + kind, title, status, detail };
}

export const notFound = (what: string): ProblemError =>
  new ProblemError('not-found', `${what} does not exist`);

function wantsHtml(req: FastifyRequest): boolean {
  return req.routeOptions.config?.htmlErrors === true && (req.headers.accept ?? '').includes('text/html');
}

export function sendProblem(
  reply: FastifyReply,
  problem: Problem,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.code(problem.status);
  if (wantsHtml(reply.request)) {
    return reply
      .type('text/html; charset=utf-8')
      .send(errorPage(problem.status, problem.title, problem.detail).text);
  }
  return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}

/** "body/url must match format "uri"" from ajv errors, as one sentence. */
function validationDetail(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = `${err.validationContext ?? 'request'}${first.instancePath || ''}`;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') {
    return `${where} has an unknown property "${String(params.additionalProperty)}"`;
  }
  if (first.keyword === 'required') return `${where} must have property "${String(params.missingProperty)}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}

/** Fastify's own errors (bad JSON, wrong content type, body too large) keep their status and say why. */
function kindOfStatus(status: number): ProblemKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 429:
      return 'rate-limited';
    default:
      return status >= 500 ? 'internal' : 'bad-request';
  }
}

export function handleError(
  err: FastifyError | ProblemError,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | Promise<FastifyReply> {
  if (err instanceof ProblemError) {
    return sendProblem(reply, problemOf(err.kind, err.message, err.extensions), err.headers);
  }
  if (err.validation) {
    const errors = err.validation.map((v) => ({ path: v.instancePath, message: v.message ?? 'is invalid' }));
    return sendProblem(reply, problemOf('validation', validationDetail(err), { errors }));
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  if (status >= 500) {
    req.log.error({ err }, 'request failed');
    return sendProblem(reply, problemOf('internal', 'The server failed to answer; the error is in its log.'));
  }
  if (status === 413) {
    // Read what the client is still sending before answering, or it sees a reset, not the 413.
    const problem = problemOf('payload-too-large', tooLargeDetail(req));
    return drainRequestBody(req).then(() => sendProblem(reply, problem));
  }
  return sendProblem(reply, problemOf(kindOfStatus(status), err.message));
}
