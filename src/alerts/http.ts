/**
 * The HTTP exchange every HTTP channel uses: one request, no redirects, the caller's abort signal,
 * the answer read through a byte cap, and the answer turned into a DeliveryOutcome.
 */
import { request } from 'undici';
import type { Channel, DeliveryOutcome, Notification } from './channel.js';
import { parseRetryAfter } from './backoff.js';
import { cleanError } from './redact.js';

export const MAX_ANSWER_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** The answer's body (UTF-8), cut at the byte cap. */
  body: string;
}

export interface HttpRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  maxAnswerBytes?: number;
}

export const USER_AGENT = 'mcpwatch-alerts/0.1';

/** Sends one request. Throws on network faults and aborts (see networkOutcome). */
export async function httpSend(req: HttpRequest): Promise<HttpAnswer> {
  const cap = req.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const res = await request(req.url, {
    method: req.method ?? 'POST',
    headers: { 'user-agent': USER_AGENT, ...req.headers },
    body: req.body,
    signal: req.signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    const room = cap - size;
    if (buf.length >= room) {
      chunks.push(buf.subarray(0, room));
      size = cap;
      res.body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
}

/**
 * The generic reading of an HTTP answer: 2xx delivered; 408, 429 and 5xx worth retrying (with
 * Retry-After when given); 410 permanent and disables the channel; any other 4xx permanent.
 */
export function classifyAnswer(ans: HttpAnswer, now: number, secrets: readonly string[]): DeliveryOutcome {
  const { status } = ans;
  if (status >= 200 && status < 300) return { ok: true, status, answer: cleanError(ans.body, secrets, 500) };
  const error = cleanError(`HTTP ${status}${ans.body ? `: ${ans.body}` : ''}`, secrets);
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(ans.headers['retry-after'], now);
    return retryAfterMs === undefined
      ? { ok: false, retryable: true, status, error }
      : { ok: false, retryable: true, status, error, retryAfterMs };
  }
  if (status === 410) return { ok: false, retryable: false, status, error, disable: true };
  return { ok: false, retryable: false, status, error };
}

/** A request that never got an answer: timeouts, refused connections, resets. Always retryable. */
export function networkOutcome(
  err: unknown,
  signal: AbortSignal,
  secrets: readonly string[],
): DeliveryOutcome {
  if (signal.aborted) {
    const reason = signal.reason as { name?: unknown } | undefined;
    const timedOut = reason?.name === 'TimeoutError';
    return { ok: false, retryable: true, error: timedOut ? 'timed out waiting for the receiver' : 'aborted' };
  }
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  const msg = typeof e.message === 'string' ? e.message : String(err);
  return { ok: false, retryable: true, error: cleanError(code ? `${code}: ${msg}` : msg, secrets) };
}

/** httpSend + classifyAnswer + networkOutcome; `read` may refine a successful answer. */
export async function deliverHttp(
  req: HttpRequest,
  now: number,
  secrets: readonly string[],
  read?: (ans: HttpAnswer, outcome: DeliveryOutcome) => DeliveryOutcome,
): Promise<DeliveryOutcome> {
  let ans: HttpAnswer;
  try {
    ans = await httpSend(req);
  } catch (err) {
    return networkOutcome(err, req.signal, secrets);
  }
  const outcome = classifyAnswer(ans, now, secrets);
  return read ? read(ans, outcome) : outcome;
}

/**
 * A channel that POSTs the JSON `render` makes to a secret webhook URL (Slack, Teams): the URL is
 * kept out of every error text.
 */
export function jsonWebhookChannel(
  name: string,
  type: string,
  url: string,
  render: (n: Notification, now: number) => unknown,
): Channel {
  return {
    name,
    type,
    send: (n, ctx) =>
      deliverHttp(
        {
          url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(render(n, ctx.now)),
          signal: ctx.signal,
        },
        ctx.now,
        [url],
      ),
  };
}
