/**
 * Postmortems in the five-bullet form (what happened, why, why we did not catch it sooner, what we
 * change, when we verify). A draft is made from the incident's facts when it resolves; people edit
 * and publish it in the dashboard or the API; published ones appear on status pages. Stored as JSON
 * in the store's meta table under `postmortem:<incident id>`.
 */
import { LIKELY_FIX } from '../probe/explain.js';
import type { Incident, IncidentSeverity } from '../engine/types.js';
import type { ErrorCode, LayerName } from '../probe/types.js';
import type { Store } from '../store/store.js';
import { span, utc } from './html/format.js';

export interface PostmortemFacts {
  server: string;
  severity: IncidentSeverity;
  trigger: string;
  start: number;
  end: number | null;
  durationMs: number | null;
  layer: LayerName | null;
  code: ErrorCode | null;
  probesFailed: number;
  firstFailureAt: number | null;
  /** From the first failed probe to the incident opening (the alert). */
  timeToAlertMs: number | null;
}

export const POSTMORTEM_FIELDS = [
  'whatHappened',
  'why',
  'whyNotSooner',
  'whatWeChange',
  'whenWeVerify',
] as const;
export type PostmortemField = (typeof POSTMORTEM_FIELDS)[number];

export const POSTMORTEM_LABELS: Record<PostmortemField, string> = {
  whatHappened: 'What happened',
  why: 'Why',
  whyNotSooner: 'Why we did not catch it sooner',
  whatWeChange: 'What we change',
  whenWeVerify: 'When we verify',
};

export interface Postmortem extends Record<PostmortemField, string> {
  incidentId: string;
  server: string;
  status: 'draft' | 'published';
  facts: PostmortemFacts;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  updatedBy: string | null;
}

export const POSTMORTEM_KEY_PREFIX = 'postmortem:';
/** The longest text a bullet may hold. */
export const POSTMORTEM_FIELD_MAX = 10_000;

export function postmortemFacts(incident: Incident): PostmortemFacts {
  const end = incident.resolvedAt;
  return {
    server: incident.server,
    severity: incident.severity,
    trigger: incident.trigger,
    start: incident.openedAt,
    end,
    durationMs: end === null ? null : end - (incident.firstFailureAt ?? incident.openedAt),
    layer: incident.layer,
    code: incident.code,
    probesFailed: incident.failedProbes,
    firstFailureAt: incident.firstFailureAt,
    timeToAlertMs: incident.firstFailureAt === null ? null : incident.openedAt - incident.firstFailureAt,
  };
}

/** A draft pre-filled with what the monitor knows; the clock is the incident's own (pure). */
export function draftPostmortem(incident: Incident): Postmortem {
  const f = postmortemFacts(incident);
  const began = f.firstFailureAt ?? f.start;
  const where = f.layer
    ? `at the ${f.layer} layer${f.code ? ` (${f.code})` : ''}`
    : 'by the rule ' + f.trigger;
  const period =
    f.end === null ? `Since ${utc(began)}` : `From ${utc(began)} to ${utc(f.end)} (${span(f.end - began)})`;
  const seen = f.code ? ` The probes reported ${f.code}: ${LIKELY_FIX[f.code]}` : '';
  const alerted =
    f.timeToAlertMs === null
      ? `The ${f.severity} incident opened at ${utc(f.start)}.`
      : `The first failed probe was at ${utc(began)}; the ${f.severity} incident opened ${span(f.timeToAlertMs)} later, at ${utc(f.start)}.`;
  const at = incident.resolvedAt ?? incident.openedAt;
  return {
    incidentId: incident.id,
    server: incident.server,
    status: 'draft',
    facts: f,
    whatHappened: `${period}, ${f.server} failed ${where}: ${f.probesFailed} probes failed. The incident was opened by the rule ${f.trigger}.`,
    why: `[Root cause to be written.]${seen}`,
    whyNotSooner: `${alerted} [Why it was not caught before it reached users: to be written.]`,
    whatWeChange: '[To be written: the fix, and the check or alert that would have caught it sooner.]',
    whenWeVerify: '[To be written: a date, and how we will know the change works.]',
    createdAt: at,
    updatedAt: at,
    publishedAt: null,
    updatedBy: null,
  };
}

const keyOf = (incidentId: string): string => POSTMORTEM_KEY_PREFIX + incidentId;

export async function loadPostmortem(store: Store, incidentId: string): Promise<Postmortem | null> {
  const text = await store.getMeta(keyOf(incidentId));
  return text ? (JSON.parse(text) as Postmortem) : null;
}

export async function savePostmortem(store: Store, pm: Postmortem): Promise<void> {
  await store.setMeta(keyOf(pm.incidentId), JSON.stringify(pm));
}

/** For serve: on `incident_resolved`, store the draft unless one exists already. Returns what is stored. */
export async function ensurePostmortemDraft(store: Store, incident: Incident): Promise<Postmortem> {
  const existing = await loadPostmortem(store, incident.id);
  if (existing) return existing;
  const draft = draftPostmortem(incident);
  await savePostmortem(store, draft);
  return draft;
}

/** The stored postmortem, or an unsaved draft for a resolved incident; null while it is open. */
export async function postmortemFor(
  store: Store,
  incident: Incident,
): Promise<{ postmortem: Postmortem; saved: boolean } | null> {
  const stored = await loadPostmortem(store, incident.id);
  if (stored) return { postmortem: stored, saved: true };
  if (incident.status !== 'resolved') return null;
  return { postmortem: draftPostmortem(incident), saved: false };
}

export type PostmortemEdit = Partial<Record<PostmortemField, string>> & { publish?: boolean };

/** Applies an edit (bullets and/or publish flag) and stores it. */
export async function editPostmortem(
  store: Store,
  incident: Incident,
  edit: PostmortemEdit,
  by: string,
  now: number,
): Promise<Postmortem> {
  const current = (await loadPostmortem(store, incident.id)) ?? draftPostmortem(incident);
  const next: Postmortem = { ...current, facts: postmortemFacts(incident), updatedAt: now, updatedBy: by };
  for (const field of POSTMORTEM_FIELDS) {
    const value = edit[field];
    if (value !== undefined) next[field] = value;
  }
  if (edit.publish === true && next.status !== 'published') {
    next.status = 'published';
    next.publishedAt = now;
  } else if (edit.publish === false) {
    next.status = 'draft';
    next.publishedAt = null;
  }
  await savePostmortem(store, next);
  return next;
}

/** Resolved P1s older than `afterMs` without a published postmortem: the digest's reminders. */
export async function missingPostmortems(
  store: Store,
  incidents: readonly Incident[],
  now: number,
  afterMs = 24 * 3_600_000,
): Promise<Incident[]> {
  const out: Incident[] = [];
  for (const i of incidents) {
    if (i.severity !== 'P1' || i.resolvedAt === null || now - i.resolvedAt < afterMs) continue;
    if ((await loadPostmortem(store, i.id))?.status !== 'published') out.push(i);
  }
  return out;
}
