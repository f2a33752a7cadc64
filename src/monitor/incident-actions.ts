/**
 * What people do to incidents (API, dashboard, CLI, signed ack links): acknowledge, resolve, post an
 * update. Also the secret that signs acknowledgement links, made once and kept in the store.
 */
import { randomBytes } from 'node:crypto';
import { verifyAckToken } from '../alerts/ack-token.js';
import { planAcknowledgement } from '../alerts/index.js';
import {
  acknowledge as ackIncident,
  openIncident,
  postUpdate as updateIncident,
  resolveManually,
  withIncident,
  type IncidentChange,
} from '../engine/index.js';
import type { Incident, IncidentStatus } from '../engine/types.js';
import type { Committer } from './commit.js';
import type { MonitorCore } from './monitor-core.js';

const ACK_SECRET_KEY = 'ack-secret';

export class IncidentActions {
  private secret: string | null = null;

  constructor(
    private readonly core: MonitorCore,
    private readonly committer: Committer,
  ) {}

  /** Reads the secret that signs acknowledgement links, or makes and stores one. */
  async loadAckSecret(): Promise<void> {
    let secret = await this.core.store.getMeta(ACK_SECRET_KEY);
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      await this.core.store.setMeta(ACK_SECRET_KEY, secret);
    }
    this.secret = secret;
  }

  /** Null until loadAckSecret() has run. */
  ackSecret(): string | null {
    return this.secret;
  }

  /** The incident a signed acknowledgement link is for, or null when it is forged, malformed or expired. */
  verifyAckToken(token: string): string | null {
    if (!this.secret) return null;
    const v = verifyAckToken(token, this.secret, this.core.now());
    return v.ok ? v.incidentId : null;
  }

  acknowledge(id: string, by: string): Promise<Incident | null> {
    return this.act(id, (i, now) => ackIncident(i, by, now));
  }

  resolve(id: string, by: string, message?: string): Promise<Incident | null> {
    return this.act(id, (i, now) =>
      message ? updateIncident(i, 'resolved', message, now) : resolveManually(i, by, now),
    );
  }

  postUpdate(id: string, status: IncidentStatus, message: string): Promise<Incident | null> {
    return this.act(id, (i, now) => updateIncident(i, status, message, now));
  }

  /**
   * Applies a manual change to an incident: to the engine's copy when it is the server's open
   * incident (so the next judgement builds on it), to the stored one otherwise; notifies like the
   * engine would (an acknowledgement tells everyone who was paged).
   */
  private async act(
    id: string,
    change: (i: Incident, now: number) => IncidentChange,
  ): Promise<Incident | null> {
    const { core } = this;
    const stored = await core.store.getIncident(id);
    if (!stored) return null;
    return core.queue.run(stored.server, async () => {
      const now = core.now();
      const t = core.tracked.get(stored.server);
      const open = t && core.owns(stored.server) ? openIncident(t.state) : null;
      const live = open?.id === id ? open : ((await core.store.getIncident(id)) ?? stored);
      const c = change(live, now);
      if (c.incident === live) return live;
      const acked = live.acknowledgedAt === null && c.incident.acknowledgedAt !== null;
      const extra = acked
        ? planAcknowledgement(c.incident, core.config(), now, { ackSecret: this.secret })
        : [];
      if (t && open?.id === id) {
        await this.committer.commit(
          t,
          withIncident(t.state, c.incident),
          c.events,
          c.incident,
          now,
          extra,
          true,
        );
        return (await core.store.getIncident(id)) ?? c.incident;
      }
      if (core.keeper) return (await this.committer.writeElsewhere([c.incident], c.events, now, extra))[0]!;
      await core.store.writeJudgement({ incidents: [c.incident], outbox: extra });
      if (extra.length > 0) core.worker.kick();
      return c.incident;
    });
  }
}
