/**
 * Requests that never reach a route: Node's HTTP parser refusing them (headers beyond its limit,
 * bytes that are not HTTP, a client too slow to send its request), and bodies larger than a route
 * accepts. Both get problem+json a client can read, instead of Fastify's plain JSON or a connection
 * reset in the middle of an upload.
 */
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { PROBLEM_TYPE_BASE } from './problem.js';

const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'headers-too-large',
    'the request headers are too large (the server accepts up to 16 KiB of headers)',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request-timeout', 'the request did not arrive in time'],
};
const NOT_HTTP: [number, string, string, string] = [
  400,
  'Bad Request',
  'bad-request',
  'the request is not valid HTTP/1.1',
];

/** Fastify's `clientErrorHandler`: answers what Node's parser refused, then closes. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, kind, detail] = CLIENT_ERRORS[err.code ?? ''] ?? NOT_HTTP;
  const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + kind, title: reason, status, detail });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // Let the answer leave before the socket goes; bytes still arriving are discarded meanwhile.
    socket.resume();
    setTimeout(() => socket.destroy(), 2_000).unref();
  } else socket.destroy();
}

/** Bodies up to this size are read (and dropped) before a 413 is sent; larger ones are cut off. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Before answering 413, reads the rest of a body the client is still sending (up to
 * DRAIN_LIMIT_BYTES, for at most 10 s) and drops it. Closing a socket with unread data makes TCP
 * reset the connection, and a client in the middle of an upload then never sees the answer.
 */
export function drainRequestBody(req: FastifyRequest): Promise<void> {
  const raw = req.raw;
  const declared = Number(req.headers['content-length']);
  if (raw.complete || raw.destroyed || (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES))
    return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      raw.removeListener('data', count);
      resolve();
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_TIMEOUT_MS);
    raw.on('data', count);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}

/** The 413 detail: which limit the body passed. */
export function tooLargeDetail(req: FastifyRequest): string {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const limit = type === 'application/x-www-form-urlencoded' ? '64 KiB' : '256 KiB';
  return `the request body is larger than the ${limit} this server accepts for ${type || 'a body'}`;
}
