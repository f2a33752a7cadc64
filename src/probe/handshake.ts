/**
 * Era detection: which protocol revision and transport a server speaks. Tries the stateless revision's
 * server/discover, then initialize over Streamable HTTP, then the legacy HTTP+SSE GET, as the spec's
 * backward-compatibility sections describe; a pinned era skips the detection, a cached one starts there.
 */
import { fault, ProbeFault } from './fault.js';
import { warn, type ProbeContext } from './http.js';
import { initializeSse } from './legacy-sse.js';
import { LEGACY_VERSIONS, type McpSession } from './session.js';
import { discover } from './stateless.js';
import { FALLBACK_STATUSES, initializeStreamable } from './streamable.js';
import type { EraPin } from './types.js';

type Era = Exclude<EraPin, 'auto'>;

export async function handshake(
  ctx: ProbeContext,
  url: URL,
  pin: EraPin,
  cache?: Map<string, EraPin>,
): Promise<McpSession> {
  const key = url.href;
  const cached = pin === 'auto' ? cache?.get(key) : undefined;
  const start: Era = pin !== 'auto' ? pin : cached && cached !== 'auto' ? cached : 'stateless';
  try {
    const session = await from(ctx, url, start, pin !== 'auto');
    cache?.set(
      key,
      session.transport === 'sse'
        ? 'sse'
        : session.protocolVersion === '2026-07-28'
          ? 'stateless'
          : 'streamable-http',
    );
    return session;
  } catch (err) {
    // A cached era that no longer fits (the server was upgraded or moved): detect afresh, once.
    // Only the answers that drive era fallback (400/404/405) say the era changed; a 500 or a 401 does not.
    const eraMismatch =
      err instanceof ProbeFault && err.layer === 'http' && FALLBACK_STATUSES.has(err.extra.httpStatus ?? 0);
    if (cached && start !== 'stateless' && eraMismatch && ctx.deadline.remaining() > 0) {
      cache?.delete(key);
      return handshake(ctx, url, 'auto', cache);
    }
    throw err;
  }
}

async function from(ctx: ProbeContext, url: URL, era: Era, pinned: boolean): Promise<McpSession> {
  let version: string = LEGACY_VERSIONS[0];
  if (era === 'stateless') {
    const d = await discover(ctx, url);
    if ('session' in d) return d.session;
    if (pinned)
      throw d.fallback.layer === 'http'
        ? d.fallback
        : fault(
            'initialize',
            'unsupported_protocol_version',
            `the server does not speak 2026-07-28: ${d.fallback.message}`,
          );
    if (d.supported) {
      // A modern server told us what it speaks: use an initialize-era version it lists, or say none fits.
      const offered = d.supported.find((v) => (LEGACY_VERSIONS as readonly string[]).includes(v));
      if (!offered)
        throw fault(
          'initialize',
          'unsupported_protocol_version',
          `the server speaks only ${d.supported.join(', ').slice(0, 120) || 'no listed version'}; mcpwatch speaks 2026-07-28 and ${LEGACY_VERSIONS.join(', ')}`,
        );
      version = offered;
    }
  }
  if (era === 'stateless' || era === 'streamable-http') {
    const s = await initializeStreamable(ctx, url, version);
    if ('session' in s) return s.session;
    if (pinned) throw s.fallback;
    const postHandshake = ctx.handshake;
    try {
      return await initializeSse(ctx, url);
    } catch (sseErr) {
      // The GET opened an event stream: this is a legacy server and its failure is the one to report.
      const h = ctx.handshake;
      if (
        h &&
        h !== postHandshake &&
        h.status >= 200 &&
        h.status < 300 &&
        h.contentType === 'text/event-stream'
      )
        throw sseErr;
      // Neither transport answered: report what the modern POST got, which is what the operator wants fixed.
      ctx.handshake = postHandshake;
      if (sseErr instanceof ProbeFault)
        warn(ctx, 'sse_fallback_failed', `the legacy HTTP+SSE fallback failed too: ${sseErr.message}`);
      throw s.fallback;
    }
  }
  return initializeSse(ctx, url);
}
