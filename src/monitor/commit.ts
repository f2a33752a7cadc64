/**
 * Writing what a judgement decided: the incidents (with timeline entries for the notifications they
 * caused), warnings, new outbox messages and the engine state, in one transaction, before the
 * delivery worker is kicked. Also the writes for a server another instance judges (incident changes
 * made here, which that instance folds into its copy).
 */
import { notificationTimeline, planNotifications } from '../alerts/index.js';
import { openIncident, serializeState, withIncident, type EngineState } from '../engine/index.js';
import { mergeStoredIncident } from '../engine/reconcile.js';
import type { EngineEvent, Incident, Warning } from '../engine/types.js';
import type { OutboxMessage } from '../store/store.js';
import { logEvents } from './event-log.js';
import type { MonitorCore } from './monitor-core.js';
import type { Tracked } from './tracked.js';

export class Committer {
  constructor(
    private readonly core: MonitorCore,
    /** Longest time an unchanged engine state goes unsaved. */
    private readonly saveEveryMs: number,
  ) {}

  /**
   * Commits what one judgement changed: the incidents, warnings, new outbox messages and, when
   * something changed or it is due, the engine state (a routine save, when nothing else is written,
   * goes with the next batch of results: result-writer.ts). `incident` is one the judgement changed
   * (it is written); `extra` are messages planned outside the engine (escalations, acks).
   */
  async commit(
    t: Tracked,
    state: EngineState,
    events: EngineEvent[],
    incident: Incident | null,
    now: number,
    extra: OutboxMessage[] = [],
    forceSave = false,
  ): Promise<void> {
    const { store, keeper } = this.core;
    const outbox = await this.planned(events, now, extra);
    const incidents = new Map<string, Incident>();
    for (const e of events) if ('incident' in e) incidents.set(e.incident.id, e.incident);
    if (incident) incidents.set(incident.id, incident);
    // Another instance may have acknowledged or updated it: fold that in before writing over it.
    if (keeper)
      for (const [id, i] of incidents) incidents.set(id, mergeStoredIncident(i, await store.getIncident(id)));
    const open = openIncident(state);
    for (const { incidentId, entry } of notificationTimeline(outbox)) {
      const i = incidents.get(incidentId) ?? (open?.id === incidentId ? open : undefined);
      if (i) incidents.set(incidentId, { ...i, timeline: [...i.timeline, entry] });
    }
    if (open && incidents.has(open.id)) state = withIncident(state, incidents.get(open.id)!);
    const warnings: Warning[] = events.flatMap((e) =>
      e.type === 'warning_raised' || e.type === 'warning_cleared' ? [e.warning] : [],
    );
    t.state = state;
    const changed = forceSave || events.length > 0 || incidents.size > 0;
    const save = changed || now - t.savedAt >= this.saveEveryMs;
    if (!changed && warnings.length === 0 && outbox.length === 0) {
      // Routine: written with the next batch of results, not in a transaction of its own.
      if (save) {
        this.core.writer.save({ server: t.cfg.name, state: serializeState(state), at: now });
        t.savedAt = now;
      }
      return;
    }
    if (save) await this.core.writer.unsave(t.cfg.name);
    await store.writeJudgement({
      incidents: [...incidents.values()],
      warnings,
      outbox,
      engineState: save ? [{ server: t.cfg.name, state: serializeState(state), at: now }] : [],
    });
    if (save) t.savedAt = now;
    logEvents(this.core.log, t.cfg.name, events);
    const hooks = this.core.hooks();
    if (events.length > 0) hooks.onEvents?.(t.cfg.name, events);
    for (const i of incidents.values()) {
      if (
        i.resolvedAt !== null &&
        events.some((e) => e.type === 'incident_resolved' && e.incident.id === i.id)
      )
        await hooks
          .onResolved?.(i)
          .catch((err: unknown) =>
            this.core.log.error({ err, incident: i.id }, 'drafting the postmortem failed'),
          );
    }
    if (outbox.length > 0) this.core.worker.kick();
  }

  /**
   * Writes incident changes made here for a server another instance judges: the incidents, and the
   * notifications they call for (the judging instance folds the change into its copy at its next tick).
   */
  async writeElsewhere(
    incidents: Incident[],
    events: EngineEvent[],
    now: number,
    extra: OutboxMessage[] = [],
  ): Promise<Incident[]> {
    const outbox = await this.planned(events, now, extra);
    const byId = new Map(incidents.map((i) => [i.id, i]));
    for (const { incidentId, entry } of notificationTimeline(outbox)) {
      const i = byId.get(incidentId);
      if (i) byId.set(incidentId, { ...i, timeline: [...i.timeline, entry] });
    }
    const written = incidents.map((i) => byId.get(i.id)!);
    await this.core.store.writeJudgement({ incidents: written, outbox });
    if (outbox.length > 0) this.core.worker.kick();
    return written;
  }

  /** Of these messages, the ones the outbox does not hold yet (a replay plans the same keys again). */
  async unsent(messages: OutboxMessage[]): Promise<OutboxMessage[]> {
    if (messages.length === 0) return messages;
    const existing = await this.core.store.existingOutboxKeys(messages.map((m) => m.key));
    return messages.filter((m) => !existing.has(m.key));
  }

  /** The notifications the events call for, and `extra`, less what is already in the outbox. */
  private async planned(
    events: EngineEvent[],
    now: number,
    extra: OutboxMessage[],
  ): Promise<OutboxMessage[]> {
    const planned = planNotifications(events, this.core.config(), now, { ackSecret: this.core.ackSecret() });
    return this.unsent([...planned, ...extra]);
  }
}
