/**
 * Requests that never reach a route: Node's HTTP parser refusing them (headers beyond its limit,
 * bytes that are not HTTP, a client too slow to send its request). They get problem+json a client
 * can read, instead of Fastify's plain JSON. (Bodies larger than a route accepts: body-limit.ts.)
 */
import type { Socket } from 'node:net';
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
