/**
 * OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/metrics` (binary protobuf or JSON, optionally
 * gzip), with a bearer token of scope `ingest` (or `admin`). Every answer — success, partial
 * success, or a failure's google.rpc.Status — is in the request's content type (JSON when the type
 * itself was refused). The routes live in their own fastify scope: its body parser hands over the
 * raw stream, read here under the cap of `telemetry.maxBodyBytes`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  asOtlpError,
  decodeRequest,
  encodeResponse,
  encodeStatus,
  encodingOf,
  inflate,
  OtlpError,
  readCapped,
  rejectionMessage,
  type OtlpSignal,
} from '../otel/body.js';
import { readMetricsRequest } from '../otel/metrics.js';
import { readTraceRequest } from '../otel/spans.js';
import type { TelemetryFace } from '../telemetry/telemetry.js';
import { authenticateBearer } from './auth/guard.js';
import type { TokenStore } from './auth/tokens.js';
import { ProblemError } from './http/problem.js';
import type { FailedAuth } from './auth/failed-auth.js';
import type { Readable } from 'node:stream';

export interface OtlpDeps {
  telemetry: TelemetryFace;
  tokens: TokenStore;
  authFailures: FailedAuth;
}

/** What the receiver did with one request (for /metrics and logs). */
export interface OtlpOutcome {
  signal: OtlpSignal;
  status: number;
  accepted: number;
  rejected: number;
}

export function registerOtlp(
  app: FastifyInstance,
  deps: OtlpDeps,
  onOutcome?: (o: OtlpOutcome) => void,
): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.setErrorHandler((err, req, reply) => {
      const known = asOtlpError(err);
      let status = 500;
      let message = 'internal error';
      let headers: Record<string, string> = {};
      if (known) {
        status = known.status;
        message = known.message;
        headers = known.headers;
      } else if (err instanceof ProblemError) {
        status = err.status;
        message = err.message;
        headers = err.headers;
      } else if (typeof (err as { statusCode?: unknown }).statusCode === 'number') {
        status = (err as { statusCode: number }).statusCode;
        message = (err as Error).message;
      } else {
        req.log.error({ err }, 'OTLP request failed');
      }
      const signal: OtlpSignal = req.url.startsWith('/v1/metrics') ? 'metrics' : 'traces';
      onOutcome?.({ signal, status, accepted: 0, rejected: 0 });
      return sendEncoded(
        reply.code(status).headers(headers),
        encodeStatus(encodingOf(req.headers['content-type']) ?? 'json', status, message),
      );
    });
    for (const signal of ['traces', 'metrics'] as const) {
      scope.post(`/v1/${signal}`, {
        onRequest: async (req) => {
          await authenticateBearer(req, deps.tokens, deps.authFailures, 'ingest');
        },
        handler: async (req, reply) => {
          const outcome = await receive(signal, req, deps.telemetry);
          onOutcome?.({ signal, status: 200, accepted: outcome.accepted, rejected: outcome.rejected });
          return sendEncoded(reply.code(200), outcome.answer);
        },
      });
    }
  });
}

/** Sent as bytes, so the Content-Type stays exactly the one the specification names (no charset). */
function sendEncoded(reply: FastifyReply, e: { contentType: string; body: Buffer | string }): FastifyReply {
  return reply
    .header('content-type', e.contentType)
    .send(typeof e.body === 'string' ? Buffer.from(e.body, 'utf8') : e.body);
}

async function receive(signal: OtlpSignal, req: FastifyRequest, telemetry: TelemetryFace) {
  const encoding = encodingOf(req.headers['content-type']);
  if (encoding === null)
    throw new OtlpError(415, 'send OTLP as "Content-Type: application/x-protobuf" or "application/json"');
  const cap = telemetry.maxBodyBytes;
  const stream = req.body as Readable | undefined;
  const raw = stream ? await readCapped(stream, cap, req.headers['content-length']) : Buffer.alloc(0);
  const body = await inflate(raw, req.headers['content-encoding'], cap);
  const message = decodeRequest(signal, encoding, body);
  const result =
    signal === 'traces'
      ? telemetry.ingestSpans(readTraceRequest(message))
      : telemetry.ingestMetrics(readMetricsRequest(message));
  const what = signal === 'traces' ? 'spans' : 'data points';
  const errorMessage = result.rejected > 0 ? rejectionMessage(result.reasons, what) : '';
  return {
    accepted: result.accepted,
    rejected: result.rejected,
    answer: encodeResponse(signal, encoding, result.rejected, errorMessage),
  };
}
