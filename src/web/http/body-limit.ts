/**
 * Bodies larger than a route accepts: the 413 says which limit the body passed, and the rest of the
 * body is read (and dropped) before it is sent, so that a client in the middle of an upload sees
 * the answer instead of a connection reset. problem.ts's error handler uses both.
 */
import type { FastifyRequest } from 'fastify';

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
