/**
 * One round (a scheduled slot probed from one or more regions) reduced to the server's verdict: the
 * round fails when more than half of the regions that probed failed; a failure in a minority of
 * regions leaves the round good and is reported as regional.
 */
import { LAYERS, type LayerName, type ProbeResult } from '../probe/types.js';
import type { Round, ServerRules } from './types.js';
import { DAY_MS } from './tuning.js';
import {
  judgeResult,
  toolCount,
  type FailureFacts,
  type FailureKind,
  type ResultVerdict,
} from './verdict.js';

export interface RoundLatency {
  /** The whole probe, ms. */
  total: number;
  /** Each layer that ran ok, ms (null when it did not run). */
  layers: Record<LayerName, number | null>;
}

export interface RoundVerdict {
  at: number;
  failed: boolean;
  /** The most common failure among the failed regions (when the round failed). */
  failure: FailureFacts | null;
  kind: FailureKind | null;
  /** Regions that failed while the majority did not, with the most common failure among them. */
  regional: { regions: string[]; of: number; failure: FailureFacts } | null;
  /** The median of the good results (one sample per round, whatever the number of regions). */
  latency: RoundLatency | null;
  toolCount: number | null;
  /** The earliest certificate expiry any region saw (ms since epoch). */
  certValidTo: number | null;
}

/** Null for a round without results (nothing to judge). */
export function judgeRound(round: Round, rules: ServerRules): RoundVerdict | null {
  const { results, at } = round;
  if (results.length === 0) return null;
  const verdicts = results.map((r) => judgeResult(r, rules));
  const failedIdx = verdicts.flatMap((v, i) => (v.failure ? [i] : []));
  const goodResults = results.filter((_, i) => verdicts[i]!.failure === null);
  const failed = failedIdx.length * 2 > results.length;
  const common = failedIdx.length > 0 ? mostCommonFailure(failedIdx.map((i) => verdicts[i]!)) : null;
  return {
    at,
    failed,
    failure: failed ? common!.failure : null,
    kind: failed ? common!.kind : null,
    regional:
      !failed && common
        ? {
            regions: failedIdx.map((i) => results[i]!.region ?? `region ${i + 1}`),
            of: results.length,
            failure: common.failure!,
          }
        : null,
    latency: failed ? null : medianLatency(goodResults),
    toolCount: lowerMedian(goodResults.map(toolCount).filter((n): n is number => n !== null)),
    certValidTo: earliestCertExpiry(results, at),
  };
}

function mostCommonFailure(verdicts: ResultVerdict[]): ResultVerdict {
  const counts = new Map<string, { n: number; v: ResultVerdict }>();
  for (const v of verdicts) {
    const key = `${v.failure!.layer}/${v.failure!.code}`;
    const seen = counts.get(key);
    if (seen) seen.n += 1;
    else counts.set(key, { n: 1, v });
  }
  let best: { n: number; v: ResultVerdict } | null = null;
  // Ties go to the earliest layer, then to the first seen: a deterministic pick.
  for (const c of counts.values()) {
    if (
      !best ||
      c.n > best.n ||
      (c.n === best.n && LAYERS.indexOf(c.v.failure!.layer) < LAYERS.indexOf(best.v.failure!.layer))
    ) {
      best = c;
    }
  }
  return best!.v;
}

function lowerMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

function medianLatency(good: ProbeResult[]): RoundLatency | null {
  const total = lowerMedian(good.map((r) => r.durationMs));
  if (total === null) return null;
  const layers = {} as Record<LayerName, number | null>;
  for (const layer of LAYERS) {
    layers[layer] = lowerMedian(
      good.flatMap((r) => {
        const l = r.layers[layer];
        return l?.status === 'ok' && l.durationMs !== null ? [l.durationMs] : [];
      }),
    );
  }
  return { total, layers };
}

function earliestCertExpiry(results: ProbeResult[], at: number): number | null {
  let earliest: number | null = null;
  for (const r of results) {
    if (!r.tls) continue;
    const parsed = Date.parse(r.tls.validTo);
    const validTo = Number.isFinite(parsed) ? parsed : at + r.tls.daysRemaining * DAY_MS;
    if (earliest === null || validTo < earliest) earliest = validTo;
  }
  return earliest;
}
