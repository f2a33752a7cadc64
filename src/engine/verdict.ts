/**
 * The verdict on one probe result under a server's rules: good, or failed at a layer with a code, and
 * whether that failure is hard (an outage) or soft (the server answers, badly).
 */
import type { ErrorCode, LayerName, ProbeResult } from '../probe/types.js';
import type { ServerRules } from './types.js';

/** Failures that mean "answers, but badly": three in a row are a P2, never a P1. */
export const SOFT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'malformed',
  'invalid_schema',
  'rate_limited',
]);

export type FailureKind = 'hard' | 'soft';

export interface FailureFacts {
  layer: LayerName;
  code: ErrorCode;
  message: string;
}

export interface ResultVerdict {
  failure: FailureFacts | null;
  kind: FailureKind | null;
}

/**
 * - A server expected behind auth (`auth: required`) that answers 401 with a proper
 *   `WWW-Authenticate` challenge (the probe sets `auth.required`) is healthy: it is walled as it should be.
 * - Every other failure counts. Hard unless its code is in SOFT_CODES: this covers DESIGN's P1 list
 *   (transport, http, initialize; tools_list empty/timeout) and, by the same token, the tools_list
 *   codes it does not name (jsonrpc_error, invalid_result, ...), which leave an agent without tools.
 *   `http/rate_limited` is soft although it is an HTTP code: being throttled is not an outage.
 * - Every failure at the `tool_call` layer is soft: the handshake and tools/list answered, so the
 *   server is up and a tool answers badly (3 in a row: P2). The rate rules count it like any failure.
 */
export function judgeResult(result: ProbeResult, rules: ServerRules): ResultVerdict {
  const f = result.failure;
  if (f === null) return { failure: null, kind: null };
  if (isProperlyWalled(result, rules)) return { failure: null, kind: null };
  return {
    failure: { layer: f.layer, code: f.code, message: f.message },
    kind: f.layer === 'tool_call' || SOFT_CODES.has(f.code) ? 'soft' : 'hard',
  };
}

function isProperlyWalled(result: ProbeResult, rules: ServerRules): boolean {
  return (
    rules.auth === 'required' &&
    result.failure?.layer === 'http' &&
    result.failure.code === 'auth_required' &&
    result.auth?.required === true
  );
}

/** The number of tools a good result listed: 0 when the server declares no tools capability. */
export function toolCount(result: ProbeResult): number | null {
  if (result.tools) return result.tools.count;
  if (result.failure === null && result.layers.tools_list.status === 'skipped') return 0;
  return null;
}
