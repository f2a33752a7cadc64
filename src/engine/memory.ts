/**
 * What a round leaves in memory besides the windows: consecutive counts, flapping changes, the
 * certificate and tool count last seen, and the last regional failure.
 *
 * Rounds taken during maintenance update the facts (certificate, tools, last good/failed)
 * but not the counts that rules confirm with: a window of planned downtime neither starts nor
 * breaks a run.
 */
import type { ServerRules } from './types.js';
import type { RoundVerdict } from './quorum.js';
import type { Memory, Streaks } from './state.js';
import { noteChange } from './flapping.js';

export function rememberRound(
  m: Memory,
  v: RoundVerdict,
  rules: ServerRules,
  inMaintenance: boolean,
): Memory {
  const next: Memory = {
    ...m,
    lastRoundAt: Math.max(m.lastRoundAt ?? v.at, v.at),
    lastRoundFailed: v.failed,
    certValidTo: certValidTo(m.certValidTo, v),
    toolCount: v.toolCount ?? m.toolCount,
  };
  if (v.failed) next.lastFailure = { ...v.failure!, at: v.at };
  else next.lastGoodAt = v.at;
  if (inMaintenance) return next;

  next.streaks = nextStreaks(m.streaks, v, rules);
  next.transitions = noteChange(m.transitions, m.failRunStart, m.streaks.failed, v, rules);
  next.failRunStart = v.failed ? (m.failRunStart ?? v.at) : null;
  if (v.regional) next.regional = { at: v.at, ...v.regional };
  return next;
}

function nextStreaks(s: Streaks, v: RoundVerdict, rules: ServerRules): Streaks {
  const lowTools =
    rules.minTools === null || v.toolCount === null
      ? s.lowTools
      : v.toolCount < rules.minTools
        ? s.lowTools + 1
        : 0;
  if (!v.failed) return { good: s.good + 1, failed: 0, hard: 0, soft: 0, auth: 0, lowTools };
  const f = v.failure!;
  return {
    good: 0,
    failed: s.failed + 1,
    hard: v.kind === 'hard' ? s.hard + 1 : 0,
    soft: v.kind === 'soft' ? s.soft + 1 : 0,
    auth: f.layer === 'http' && f.code === 'auth_required' ? s.auth + 1 : 0,
    lowTools,
  };
}

/**
 * The certificate's expiry as last seen. A round that failed with `tls_cert_expired` without
 * certificate facts still says the certificate is expired now.
 */
function certValidTo(known: number | null, v: RoundVerdict): number | null {
  if (v.certValidTo !== null) return v.certValidTo;
  if (v.failed && v.failure?.code === 'tls_cert_expired' && (known === null || known > v.at)) return v.at;
  return known;
}
