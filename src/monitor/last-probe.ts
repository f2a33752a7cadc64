/** What the monitor keeps in memory of a server's last probe. */
import type { Failure, ProbeResult } from '../probe/types.js';

/**
 * A server's last probe as the summary shows it. Kept instead of the whole result: 50,000 results
 * alive for an interval each are ~100 MB, all of it promoted to the old generation before it dies.
 */
export interface LastProbe {
  at: number;
  region: string;
  durationMs: number;
  failure: Failure | null;
  /** Days the certificate had left when probed; null without TLS. */
  tlsDaysRemaining: number | null;
}

export function lastProbeOf(result: ProbeResult, at: number): LastProbe {
  return {
    at,
    region: result.region ?? 'local',
    durationMs: result.durationMs,
    failure: result.failure,
    tlsDaysRemaining: result.tls ? result.tls.daysRemaining : null,
  };
}
