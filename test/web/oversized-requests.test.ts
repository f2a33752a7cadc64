/**
 * Oversized requests on the wire (a real socket, not inject): headers beyond Node's limit get 431 as
 * problem+json, and a 10 MB form posted to /login gets a 413 problem+json the client can read, not a
 * reset connection.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startWeb } from '../../src/web/app.js';
import { createSeededView } from './seed.js';
import type { FastifyInstance } from 'fastify';

/** Sends raw bytes and returns everything the server wrote back before it closed. */
function exchange(
  port: number,
  head: string,
  body: Buffer | null = null,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no close within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString().slice(0, 300)}`),
      );
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {}); // a reset after the answer is fine: what was read counts
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.write(head);
    if (body) socket.write(body, () => socket.end());
    else socket.end();
  });
}

function parse(raw: string): { status: number; headers: string; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  return { status, headers: raw.slice(0, end).toLowerCase(), body: raw.slice(end + 4) };
}

function bodyOf(answer: { headers: string; body: string }): Record<string, unknown> {
  const chunked = answer.headers.includes('transfer-encoding: chunked');
  const text = chunked
    ? answer.body.replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '')
    : answer.body;
  return JSON.parse(text) as Record<string, unknown>;
}

describe('oversized requests', () => {
  let app: FastifyInstance;
  let port: number;
  before(async () => {
    const seeded = await createSeededView();
    const web = await startWeb(seeded.view, { port: 0, host: '127.0.0.1' });
    app = web.app;
    port = Number(new URL(web.url).port);
  });
  after(() => app.close());

  test('headers beyond the limit: 431 problem+json', async () => {
    const raw = await exchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(80_000)}\r\n\r\n`,
    );
    const answer = parse(raw);
    assert.equal(answer.status, 431, raw.slice(0, 300));
    assert.match(answer.headers, /content-type: application\/problem\+json/);
    const problem = bodyOf(answer);
    assert.equal(problem.status, 431);
    assert.equal(problem.type, 'urn:mcpwatch:problem:headers-too-large');
    assert.match(String(problem.detail), /headers .* too large/i);
  });

  test('a 10 MB form to /login: 413 problem+json, readable by the client', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 'a');
    const raw = await exchange(
      port,
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    const answer = parse(raw);
    assert.equal(answer.status, 413, raw.slice(0, 300));
    assert.match(answer.headers, /content-type: application\/problem\+json/);
    const problem = bodyOf(answer);
    assert.equal(problem.status, 413);
    assert.match(String(problem.detail), /64 KiB/);
  });

  test('an HTTP client uploading 10 MB to /login reads the 413 every time (no EPIPE or reset)', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 'a');
    const outcomes: string[] = [];
    for (let n = 0; n < 4; n++)
      outcomes.push(
        await new Promise<string>((resolve) => {
          let answer = 'no answer';
          let error = '';
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/login',
              headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
            },
            (res) => {
              res.resume();
              res.on('end', () => (answer = `${res.statusCode} ${res.headers['content-type']}`));
            },
          );
          req.on('error', (e: NodeJS.ErrnoException) => (error = ` + error ${e.code}`));
          req.on('close', () => setTimeout(() => resolve(answer + error), 50));
          req.end(body);
        }),
      );
    assert.deepEqual(outcomes, Array(4).fill('413 application/problem+json; charset=utf-8'));
  });
});
