/**
 * JSON-RPC over the probe's HTTP exchanges: building requests and reading the one response we wait
 * for out of a JSON body or an SSE stream, bounded in bytes and events.
 */
import { createParser } from 'eventsource-parser';
import { decodedChunks, readText } from './body.js';
import { fault } from './fault.js';
import {
  header,
  httpLayerOf,
  reading,
  statusFault,
  warn,
  type Exchange,
  type ProbeContext,
  type Step,
} from './http.js';

export type RpcId = string | number;

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface RpcResponse {
  id: RpcId | null;
  result?: unknown;
  error?: RpcError;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON-RPC response object, or null when `v` is not one. */
export function asResponse(v: unknown): RpcResponse | null {
  if (!isObject(v) || v.jsonrpc !== '2.0' || 'method' in v) return null;
  const id = v.id;
  if (!(typeof id === 'string' || typeof id === 'number' || id === null)) return null;
  if ('result' in v) return { id, result: v.result };
  if (isObject(v.error) && typeof v.error.code === 'number')
    return { id, error: { code: v.error.code, message: String(v.error.message ?? ''), data: v.error.data } };
  return null;
}

/** Parses JSON that a hostile server may have made deep, huge or invalid; null when it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: err instanceof RangeError ? 'nested too deeply' : 'not valid JSON' };
  }
}

const snippetOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 120);

/** Reads a bounded piece of an error answer's body, for messages and for era detection. */
export async function readSnippet(ctx: ProbeContext, ex: Exchange, step: Step): Promise<string> {
  try {
    return await readText(ex.body, ex.encoding, Math.min(ctx.maxBodyBytes, 64 * 1024), httpLayerOf(step));
  } catch {
    return '';
  }
}

/** Waits for the response to request `id` in the answer `ex` (JSON or SSE). Throws classified faults. */
export async function readResponse(
  ctx: ProbeContext,
  ex: Exchange,
  id: RpcId,
  step: Step,
  what: string,
): Promise<RpcResponse> {
  const layer = httpLayerOf(step);
  if (ex.status < 200 || ex.status >= 300)
    throw statusFault(ctx, ex, step, what, await readSnippet(ctx, ex, step));
  if (ex.contentType === 'text/event-stream')
    return reading(ctx, ex, step, what, () => readFromSse(ctx, ex, id, step, what));
  const text = await reading(ctx, ex, step, what, () =>
    readText(ex.body, ex.encoding, ctx.maxBodyBytes, layer),
  );
  const parsed = parseJson(text);
  const isJsonType = ex.contentType === 'application/json' || ex.contentType.endsWith('+json');
  if (!parsed.ok) {
    const kind =
      ex.contentType.includes('html') || /^\s*</.test(text)
        ? 'an HTML page'
        : `${parsed.reason} (${ex.contentType || 'no Content-Type'})`;
    throw fault(
      layer,
      'not_jsonrpc',
      `${what} was answered with ${kind} instead of JSON-RPC: "${snippetOf(text)}"`,
      { httpStatus: ex.status },
    );
  }
  const messages = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const res = messages.map(asResponse).find((r) => r && (r.id === id || (r.id === null && r.error)));
  if (!res)
    throw fault(
      layer,
      'not_jsonrpc',
      `${what} was answered with JSON that is not a JSON-RPC response to it: "${snippetOf(text)}"`,
      { httpStatus: ex.status },
    );
  if (!isJsonType)
    warn(
      ctx,
      'content_type_mismatch',
      `the server answered JSON-RPC with Content-Type "${ex.contentType || 'none'}"`,
    );
  return res;
}

async function readFromSse(
  ctx: ProbeContext,
  ex: Exchange,
  id: RpcId,
  step: Step,
  what: string,
): Promise<RpcResponse> {
  const layer = httpLayerOf(step);
  let events = 0;
  let found: RpcResponse | null = null;
  let bad: string | null = null;
  const parser = createParser({
    onEvent(e) {
      events++;
      if (found || (e.event && e.event !== 'message')) return;
      const parsed = parseJson(e.data);
      if (!parsed.ok) {
        bad ??= `an SSE event that is ${parsed.reason}: "${snippetOf(e.data)}"`;
        return;
      }
      for (const m of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
        const r = asResponse(m);
        if (r && r.id === id) found = r;
        else if (isObject(m) && typeof m.method === 'string' && 'id' in m)
          warn(
            ctx,
            'server_request_ignored',
            `the server sent a "${m.method}" request on the SSE stream before answering; the probe does not answer server requests`,
          );
      }
    },
  });
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of decodedChunks(ex.body, ex.encoding, ctx.maxBodyBytes, layer)) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (found) return found;
    if (events > ctx.maxSseEvents)
      throw fault(
        layer,
        'body_too_large',
        `the SSE answer to ${what} sent more than ${ctx.maxSseEvents} events without the response`,
      );
  }
  if (found) return found;
  throw fault(
    layer,
    'not_jsonrpc',
    `the SSE stream for ${what} ended without a JSON-RPC response${bad ? `; it carried ${bad}` : ''}`,
    {
      httpStatus: ex.status,
    },
  );
}

let counter = 0;
export const nextId = (): number => ++counter;

export const rpcRequest = (id: RpcId, method: string, params?: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

export const rpcNotification = (method: string, params?: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });

export { header };
