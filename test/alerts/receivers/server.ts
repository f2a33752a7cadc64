/**
 * A loopback HTTP receiver for channel tests: records every request, lets a provider-specific
 * validator accept or reject it the way the real provider would, and plays scripted faults
 * (an error answer, a hang, "down" for a while).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  /** Real clock (ms) when the request was read completely. */
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** 'pass' lets one request through to the validator (to fault a later one). */
export type Fault = Answer | 'hang' | 'pass';

/** Validates one request: returns the answer (success or the provider's own rejection). */
export type Validator = (req: Received) => { answer: Answer; problems: string[] };

export interface Receiver {
  url: string;
  /** Requests that passed validation, in arrival order. */
  accepted: Received[];
  /** Requests the validator rejected, with why. */
  rejected: { req: Received; problems: string[] }[];
  /** Every request, including faults. */
  all: Received[];
  /** Answer the next request(s) with these faults, in order. */
  fault(...faults: Fault[]): void;
  /** While set, every request gets this answer. */
  down(answer: Answer | null): void;
  close(): Promise<void>;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, a.headers ?? {});
  res.end(a.body ?? '');
}

export async function startReceiver(validate: Validator): Promise<Receiver> {
  const faults: Fault[] = [];
  let outage: Answer | null = null;
  const hanging = new Set<ServerResponse>();
  const r: Receiver = {
    url: '',
    accepted: [],
    rejected: [],
    all: [],
    fault: (...f) => faults.push(...f),
    down: (a) => {
      outage = a;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const got: Received = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers,
        body,
        at: Date.now(),
      };
      r.all.push(got);
      const f = faults.shift();
      if (f === 'hang') {
        hanging.add(res);
        return;
      }
      if (f && f !== 'pass') return reply(res, f);
      if (outage) return reply(res, outage);
      const { answer, problems } = validate(got);
      if (problems.length) r.rejected.push({ req: got, problems });
      else r.accepted.push(got);
      reply(res, answer);
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

/** Small checks shared by the validators; each pushes a problem when it fails. */
export class Checks {
  readonly problems: string[] = [];

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }

  str(v: unknown, path: string, opts: { max?: number; min?: number; required?: boolean } = {}): v is string {
    if (v === undefined && !opts.required) return false;
    if (typeof v !== 'string') {
      this.problems.push(`${path} must be a string`);
      return false;
    }
    if (v.length < (opts.min ?? (opts.required ? 1 : 0))) this.problems.push(`${path} is too short`);
    if (opts.max !== undefined && v.length > opts.max)
      this.problems.push(`${path} is longer than ${opts.max}`);
    return true;
  }

  obj(v: unknown, path: string, required = true): v is Record<string, unknown> {
    if (v === undefined && !required) return false;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.problems.push(`${path} must be an object`);
      return false;
    }
    return true;
  }

  arr(v: unknown, path: string, opts: { max?: number; required?: boolean } = {}): v is unknown[] {
    if (v === undefined && !opts.required) return false;
    if (!Array.isArray(v)) {
      this.problems.push(`${path} must be an array`);
      return false;
    }
    if (opts.max !== undefined && v.length > opts.max)
      this.problems.push(`${path} has more than ${opts.max} items`);
    return true;
  }

  oneOf(v: unknown, allowed: readonly unknown[], path: string): void {
    if (!allowed.includes(v))
      this.problems.push(`${path} must be one of ${allowed.join(', ')} (got ${String(v)})`);
  }

  only(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) this.problems.push(`${path}.${k} is not a known field`);
  }

  isoTime(v: unknown, path: string): void {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
      this.problems.push(`${path} must be an ISO 8601 time`);
    }
  }

  url(v: unknown, path: string): void {
    try {
      const u = new URL(String(v));
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        this.problems.push(`${path} must be an http(s) URL`);
    } catch {
      this.problems.push(`${path} must be a URL`);
    }
  }
}

export function parseJson(body: string, c: Checks): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    c.problems.push('body is not JSON');
    return undefined;
  }
}

/** What every JSON webhook receiver checks first: a POST, `application/json`, a body that parses. */
export function jsonPost(
  req: { method?: string; headers: Record<string, string | string[] | undefined>; body: string },
  c: Checks,
): unknown {
  c.check(req.method === 'POST', 'method must be POST');
  c.check(
    String(req.headers['content-type'] ?? '').startsWith('application/json'),
    'content-type must be application/json',
  );
  return parseJson(req.body, c);
}
