/**
 * Per-channel delivery health, kept by the worker and read by logs, the API and /metrics: last
 * success, last error, consecutive failures, disabled. A channel failing repeatedly (or disabled)
 * yields a ChannelWarning, which the monitor turns into a Warning.
 */

export interface ChannelHealth {
  channel: string;
  type: string;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  /** Secret-free. */
  lastError: string | null;
  lastStatus: number | null;
  consecutiveFailures: number;
  /** Start of the current failure streak. */
  failingSince: number | null;
  disabled: boolean;
  disabledReason: string | null;
  sent: number;
  failed: number;
  /** Pending messages seen in the worker's last pass. */
  pending: number;
  /** Enqueue-to-receiver time of the last delivered message (ms). */
  lastLatencyMs: number | null;
}

export interface ChannelWarning {
  channel: string;
  since: number;
  disabled: boolean;
  message: string;
}

export const DEFAULT_FAILURE_WARNING_THRESHOLD = 3;

function fresh(channel: string, type: string): ChannelHealth {
  return {
    channel,
    type,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    lastStatus: null,
    consecutiveFailures: 0,
    failingSince: null,
    disabled: false,
    disabledReason: null,
    sent: 0,
    failed: 0,
    pending: 0,
    lastLatencyMs: null,
  };
}

export class ChannelHealthBook {
  private readonly book = new Map<string, ChannelHealth>();

  constructor(
    channels: Iterable<{ name: string; type: string }>,
    private readonly threshold = DEFAULT_FAILURE_WARNING_THRESHOLD,
  ) {
    for (const c of channels) this.book.set(c.name, fresh(c.name, c.type));
  }

  private entry(channel: string): ChannelHealth {
    let h = this.book.get(channel);
    if (!h) {
      h = fresh(channel, 'unknown');
      this.book.set(channel, h);
    }
    return h;
  }

  success(channel: string, at: number, latencyMs: number, status: number): void {
    const h = this.entry(channel);
    h.lastSuccessAt = at;
    h.lastStatus = status;
    h.consecutiveFailures = 0;
    h.failingSince = null;
    h.sent++;
    h.lastLatencyMs = latencyMs;
  }

  /** One failed attempt; `final` when the message was given up. */
  failure(channel: string, at: number, error: string, status: number | undefined, final: boolean): void {
    const h = this.entry(channel);
    h.lastErrorAt = at;
    h.lastError = error;
    h.lastStatus = status ?? null;
    if (h.consecutiveFailures === 0) h.failingSince = at;
    h.consecutiveFailures++;
    if (final) h.failed++;
  }

  disable(channel: string, reason: string): void {
    const h = this.entry(channel);
    h.disabled = true;
    h.disabledReason = reason;
  }

  enable(channel: string): void {
    const h = this.entry(channel);
    h.disabled = false;
    h.disabledReason = null;
  }

  isDisabled(channel: string): boolean {
    return this.book.get(channel)?.disabled ?? false;
  }

  setPending(counts: ReadonlyMap<string, number>): void {
    for (const h of this.book.values()) h.pending = counts.get(h.channel) ?? 0;
    for (const [channel, n] of counts) this.entry(channel).pending = n;
  }

  get(channel: string): ChannelHealth | null {
    const h = this.book.get(channel);
    return h ? { ...h } : null;
  }

  all(): ChannelHealth[] {
    return [...this.book.values()].map((h) => ({ ...h }));
  }

  warnings(): ChannelWarning[] {
    const out: ChannelWarning[] = [];
    for (const h of this.book.values()) {
      if (h.disabled) {
        out.push({
          channel: h.channel,
          since: h.lastErrorAt ?? 0,
          disabled: true,
          message: `Alert channel ${h.channel} (${h.type}) is disabled: ${h.disabledReason ?? 'unknown reason'}. Alerts for it wait until it is fixed.`,
        });
      } else if (h.consecutiveFailures >= this.threshold) {
        out.push({
          channel: h.channel,
          since: h.failingSince ?? h.lastErrorAt ?? 0,
          disabled: false,
          message: `Alert channel ${h.channel} (${h.type}) failed ${h.consecutiveFailures} deliveries in a row; last error: ${h.lastError ?? 'unknown'}.`,
        });
      }
    }
    return out;
  }
}
