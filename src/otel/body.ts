/**
 * One OTLP/HTTP request body, read as the specification says: `application/x-protobuf` or
 * `application/json`, optionally `Content-Encoding: gzip`, never more than the cap — counted on the
 * wire and again after decompression (413) — and garbage is 400. The answer goes back in the
 * request's own content type: the Export…ServiceResponse (with `partialSuccess` when something was
 * rejected) or, for a failure, a google.rpc.Status.
 */
import type { Readable } from 'node:stream';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { decodeBinary, encodeBinary, otlpTypes } from './proto.js';
import { BadOtlpData } from './values.js';

const gunzipAsync = promisify(gunzip);

export type OtlpEncoding = 'protobuf' | 'json';
export type OtlpSignal = 'traces' | 'metrics';

/** A refusal with its HTTP status (400, 413, 415, …) and a message for Status.message. */
export class OtlpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OtlpError';
  }
}

/** The encoding a Content-Type names; null for any other type. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

/** Reads at most `cap` bytes of the stream; more is a 413 (the rest is not read). */
export async function readCapped(stream: Readable, cap: number, declared?: string): Promise<Buffer> {
  const length = declared === undefined ? NaN : Number(declared);
  if (Number.isFinite(length) && length > cap) throw tooLarge(cap);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      stream.destroy();
      throw tooLarge(cap);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(cap: number): OtlpError {
  return new OtlpError(413, `the request body is larger than ${cap} bytes (after decompression too)`, {
    Connection: 'close',
  });
}

/** The body as sent, decompressed (bounded by `cap`) when Content-Encoding says gzip. */
export async function inflate(
  body: Buffer,
  contentEncoding: string | undefined,
  cap: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip')
    throw new OtlpError(415, `Content-Encoding "${encoding}" is not supported (use gzip or none)`);
  try {
    return await gunzipAsync(body, { maxOutputLength: cap });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
      throw tooLarge(cap);
    throw new OtlpError(400, 'the body says gzip but is not valid gzip data');
  }
}

/** The request message as a plain object (the JSON shape), or 400. */
export function decodeRequest(signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): unknown {
  if (encoding === 'json') {
    if (body.length === 0) return {}; // an empty request is a success (the specification's words)
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new OtlpError(400, 'the body is not valid JSON');
    }
  }
  const types = otlpTypes();
  try {
    return decodeBinary(signal === 'traces' ? types.traceRequest : types.metricsRequest, body);
  } catch (err) {
    throw new OtlpError(
      400,
      `the body is not a protobuf Export${signal === 'traces' ? 'Trace' : 'Metrics'}ServiceRequest (${(err as Error).message})`,
    );
  }
}

/** BadOtlpData (a readable body of the wrong structure) as a 400. */
export function asOtlpError(err: unknown): OtlpError | null {
  if (err instanceof OtlpError) return err;
  if (err instanceof BadOtlpData) return new OtlpError(400, err.message);
  return null;
}

export interface Encoded {
  contentType: string;
  body: Buffer | string;
}

/** The success answer; `rejected` > 0 makes it a partial success. */
export function encodeResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): Encoded {
  const field = signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
  const value = rejected > 0 ? { partialSuccess: { [field]: rejected, errorMessage } } : {};
  if (encoding === 'json') return { contentType: 'application/json', body: JSON.stringify(value) };
  const types = otlpTypes();
  const type = signal === 'traces' ? types.traceResponse : types.metricsResponse;
  return { contentType: 'application/x-protobuf', body: encodeBinary(type, value) };
}

/** gRPC codes for Status.code (the specification lets servers omit it; clients only log it). */
function grpcCode(status: number): number {
  switch (status) {
    case 400:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 5; // NOT_FOUND
    case 413:
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

/** A failure's google.rpc.Status. */
export function encodeStatus(encoding: OtlpEncoding, status: number, message: string): Encoded {
  const value = { code: grpcCode(status), message };
  if (encoding === 'json') return { contentType: 'application/json', body: JSON.stringify(value) };
  return { contentType: 'application/x-protobuf', body: encodeBinary(otlpTypes().status, value) };
}

/** "3 spans rejected: 2 tool-call spans of …; 1 spans without …" (bounded length). */
export function rejectionMessage(reasons: Map<string, number>, what: string): string {
  const parts = [...reasons].map(([why, n]) => `${n} ${why}`);
  const total = [...reasons.values()].reduce((a, b) => a + b, 0);
  const text = `${total} ${what} rejected: ${parts.join('; ')}`;
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}
