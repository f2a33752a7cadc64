/**
 * What the API and pages may show of a server's config and probe results: header names but never
 * their values, URLs without credentials, query values, or path segments that look like keys
 * (`/mcp/sk-ak-9f8e…/sse` style URLs carry secrets in the path).
 */
import type { ServerConfig } from '../config/types.js';
import type { Incident } from '../engine/types.js';
import type { ProbeResult } from '../probe/types.js';
import { redact } from '../alerts/redact.js';

const MASK = '[redacted]';

function secretLooking(segment: string): boolean {
  if (/^(sk|pk|key|token|secret)[-_]/i.test(segment)) return true;
  return segment.length >= 16 && /[0-9]/.test(segment) && /[a-zA-Z]/.test(segment);
}

export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return MASK;
  }
  u.username = '';
  u.password = '';
  const path = u.pathname
    .split('/')
    .map((s) => (secretLooking(decodeURIComponent(s)) ? MASK : s))
    .join('/');
  const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=${MASK}`).join('&');
  return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}

export interface PublicServerConfig {
  name: string;
  url: string;
  /** Header names only. */
  headers: string[];
  timeoutMs: number;
  era: ServerConfig['era'];
  followRedirects: boolean;
  tags: string[];
  regions: string[];
  expectTools: string[];
  paused: boolean;
  intervalMs: number;
  minTools: number | null;
  auth: 'none' | 'required';
  slo: { target: number; windowMs: number };
}

export function publicServerConfig(s: ServerConfig): PublicServerConfig {
  return {
    name: s.name,
    url: redactUrl(s.url),
    headers: Object.keys(s.headers),
    timeoutMs: s.timeoutMs,
    era: s.era,
    followRedirects: s.followRedirects,
    tags: s.tags,
    regions: s.regions,
    expectTools: s.expectTools,
    paused: s.paused,
    intervalMs: s.rules.intervalMs,
    minTools: s.rules.minTools,
    auth: s.rules.auth,
    slo: { target: s.rules.slo.target, windowMs: s.rules.slo.windowMs },
  };
}

/** The secrets of a server that could echo back in probe messages: header values and the raw URL. */
function secretsOf(server: ServerConfig | undefined): string[] {
  if (!server) return [];
  const values = Object.values(server.headers).flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')]);
  return [server.url, ...values];
}

/** A probe result safe to return: URLs redacted, header values and the raw URL removed from messages. */
export function publicProbeResult(r: ProbeResult, server: ServerConfig | undefined): ProbeResult {
  const secrets = secretsOf(server);
  const clean = (text: string): string => redact(text, secrets);
  const failure = r.failure && {
    ...r.failure,
    message: clean(r.failure.message),
    ...(r.failure.location !== undefined ? { location: redactUrl(r.failure.location) } : {}),
  };
  return {
    ...r,
    url: redactUrl(r.url),
    failure,
    warnings: r.warnings.map((w) => ({ ...w, message: clean(w.message) })),
    ...(r.auth?.resourceMetadata
      ? { auth: { ...r.auth, resourceMetadata: redactUrl(r.auth.resourceMetadata) } }
      : {}),
  };
}

/** An incident whose timeline messages (often probe messages) carry no header value or raw URL. */
export function publicIncident(i: Incident, server: ServerConfig | undefined): Incident {
  const secrets = secretsOf(server);
  if (secrets.length === 0) return i;
  return { ...i, timeline: i.timeline.map((e) => ({ ...e, message: redact(e.message, secrets) })) };
}
