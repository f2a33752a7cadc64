/**
 * The words of every notification, shared by all channels: a headline that says what is wrong in
 * one glance, then the facts (since when, which layer and error, how many probes, the last good
 * probe) and the links. Channels only arrange these pieces in their receiver's format.
 */
import { showBidi } from '../util/unsafe-text.js';
import type { Notification } from './channel.js';

/**
 * How a channel makes remote text (the probe's failure message, warning messages, who acknowledged)
 * literal in its markup: markdown escapes for Discord and Teams, entities for Slack and email. Bidi
 * controls in it are always shown as visible markers first (see util/unsafe-text.ts).
 */
export type Escape = (text: string) => string;
const literal: Escape = (s) => s;
const remote = (text: string, escape: Escape): string => escape(showBidi(text));

/**
 * Backslash-escapes the punctuation that CommonMark-like renderers (Discord, Teams' Adaptive Cards)
 * act on: links and images, emphasis, code, strikethrough, spoilers, block quotes, headings and
 * list markers, and Discord's <@…>, <#…>, <t:…> tags.
 */
export function markdownEscape(text: string): string {
  return text
    .replace(/[\\*_~`|[\]()<!]/g, '\\$&')
    .replace(
      /^(\s*)([#>+-]|\d+[.)])(?=\s|$)/gm,
      (_m, space: string, mark: string) => `${space}${mark.replace(/([#>+\-.)])/, '\\$1')}`,
    );
}

export interface Fact {
  label: string;
  value: string;
}

export interface LinkItem {
  label: string;
  url: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** "09:14 UTC, 6 Jan 2025" */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "45 s", "23 min", "2 h 5 min", "3 d 4 h" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "09:14 UTC, 6 Jan 2025 (23 min ago)" */
export function formatWhen(ms: number, now: number): string {
  return `${formatTime(ms)} (${formatDuration(now - ms)} ago)`;
}

const SEVERITY_WORD = { P1: 'DOWN', P2: 'DEGRADED', P3: 'WARNING' } as const;
const SEVERITY_MEANING = { P1: 'complete outage', P2: 'degraded', P3: 'leading indicator' } as const;
const EMOJI = {
  P1: '🔴',
  P2: '🟠',
  P3: '🟡',
  escalate: '⏫',
  acknowledge: '👀',
  resolve: '✅',
  digest: '🗒️',
  test: '🧪',
} as const;

export function severityLabel(n: Notification): string {
  return `${n.severity} · ${SEVERITY_MEANING[n.severity]}`;
}

/** "MCP initialize failed (timeout)" or "check failed" when nothing is known. */
export function failureSummary(n: Notification): string {
  const f = n.failure;
  if (!f || (f.step === null && f.code === null)) return 'check failed';
  const what = f.step ?? f.layer ?? 'probe';
  return f.code ? `${what} failed (${f.code})` : `${what} failed`;
}

function digestHeadline(n: Notification): string {
  const d = n.digest;
  if (!d) return 'Weekly MCP digest';
  const servers = new Set(d.warnings.map((w) => w.server)).size;
  const parts = [
    `${d.warnings.length} warning${d.warnings.length === 1 ? '' : 's'} on ${servers} server${servers === 1 ? '' : 's'}`,
  ];
  if (d.postmortems.length)
    parts.push(`${d.postmortems.length} postmortem${d.postmortems.length === 1 ? '' : 's'} due`);
  return `Weekly MCP digest: ${parts.join(', ')}`;
}

/** One line that says it all. `emoji` adds a leading symbol for chat receivers. */
export function headline(n: Notification, opts: { emoji?: boolean; escape?: Escape } = {}): string {
  const escape = opts.escape ?? literal;
  const server = n.server === null ? 'unknown server' : remote(n.server, escape);
  let text: string;
  let mark: string;
  switch (n.kind) {
    case 'trigger':
      text = `${n.severity} ${SEVERITY_WORD[n.severity]}${n.raisedFrom ? ` (raised from ${n.raisedFrom})` : ''}: ${server} — ${failureSummary(n)}`;
      mark = EMOJI[n.severity];
      break;
    case 'escalate':
      text = `ESCALATED ${n.severity}, not acknowledged for ${formatDuration(n.escalation?.afterMs ?? 0)}: ${server} — ${failureSummary(n)}`;
      mark = EMOJI.escalate;
      break;
    case 'acknowledge':
      text = `ACKNOWLEDGED${n.acknowledgedBy ? ` by ${remote(n.acknowledgedBy, escape)}` : ''}: ${server} ${n.severity} — ${failureSummary(n)}`;
      mark = EMOJI.acknowledge;
      break;
    case 'resolve': {
      const start = n.since ?? n.openedAt;
      const lasted =
        start !== null && n.resolvedAt !== null ? ` after ${formatDuration(n.resolvedAt - start)}` : '';
      text = `RESOLVED: ${server} is back${lasted} (was ${n.severity})`;
      mark = EMOJI.resolve;
      break;
    }
    case 'digest':
      text = digestHeadline(n);
      mark = EMOJI.digest;
      break;
    case 'test':
      text = 'TEST ALERT from mcpwatch — nothing is down, no action needed';
      mark = EMOJI.test;
      break;
  }
  return opts.emoji ? `${mark} ${text}` : text;
}

/** The facts under the headline, most urgent first. `now` is the delivery time (for "ago"). */
export function facts(n: Notification, now: number, escape: Escape = literal): Fact[] {
  if (n.kind === 'digest') return [];
  const out: Fact[] = [];
  if (n.kind === 'test')
    out.push({ label: 'Test', value: 'This is a test alert; the facts below are examples.' });
  if (n.server) out.push({ label: 'Server', value: remote(n.server, escape) });
  out.push({ label: 'Severity', value: severityLabel(n) });
  const f = n.failure;
  if (f && f.layer) out.push({ label: 'Failing', value: `${f.step ?? f.layer} (${f.layer} layer)` });
  if (f && (f.code || f.message)) {
    out.push({
      label: 'Error',
      value: [f.code, f.message === null ? null : remote(f.message, escape)].filter((x) => x).join(' — '),
    });
  }
  const start = n.since ?? n.openedAt;
  if (n.kind === 'resolve' && n.resolvedAt !== null) {
    out.push({ label: 'Resolved', value: formatWhen(n.resolvedAt, now) });
    if (start !== null) out.push({ label: 'Down for', value: formatDuration(n.resolvedAt - start) });
  } else if (start !== null) {
    out.push({ label: 'Since', value: formatWhen(start, now) });
  }
  if (n.consecutiveFailures !== null && n.kind !== 'resolve') {
    out.push({ label: 'Probes', value: `${n.consecutiveFailures} failed in a row` });
  }
  if (n.kind !== 'resolve') {
    out.push({
      label: 'Last good probe',
      value: n.lastGoodAt === null ? 'none seen' : formatWhen(n.lastGoodAt, now),
    });
  }
  if (n.acknowledgedAt !== null) {
    out.push({
      label: 'Acknowledged',
      value: `${n.acknowledgedBy ? `by ${remote(n.acknowledgedBy, escape)}, ` : ''}${formatWhen(n.acknowledgedAt, now)}`,
    });
  }
  if (n.incidentId) out.push({ label: 'Incident', value: n.incidentId });
  return out;
}

/** Links in order of use: acknowledge first (it is what a paged person needs). */
export function links(n: Notification): LinkItem[] {
  const out: LinkItem[] = [];
  if (n.links.acknowledge) out.push({ label: 'Acknowledge', url: n.links.acknowledge });
  if (n.links.dashboard) out.push({ label: 'Dashboard', url: n.links.dashboard });
  if (n.links.statusPage) out.push({ label: 'Status page', url: n.links.statusPage });
  return out;
}

/** The digest body as lines (plain text). */
export function digestLines(n: Notification, escape: Escape = literal): string[] {
  const d = n.digest;
  if (!d) return [];
  const lines = [`Week of ${formatTime(d.from)} to ${formatTime(d.to)}`, ''];
  if (d.warnings.length === 0) lines.push('No warnings this week.');
  const byServer = new Map<string, typeof d.warnings>();
  for (const w of d.warnings) byServer.set(w.server, [...(byServer.get(w.server) ?? []), w]);
  for (const [server, ws] of [...byServer].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${remote(server, escape)}:`);
    for (const w of ws) {
      const state = w.clearedAt === null ? 'still active' : `cleared ${formatTime(w.clearedAt)}`;
      lines.push(`  - ${remote(w.message, escape)} [${w.rule}] (since ${formatTime(w.openedAt)}, ${state})`);
    }
  }
  if (d.postmortems.length) {
    lines.push('', 'Postmortems due (5 bullets: what, why, why not caught sooner, what changes, by when):');
    for (const p of d.postmortems) {
      lines.push(
        `  - ${p.server} ${p.severity} incident ${p.incidentId}, resolved ${formatTime(p.resolvedAt)}`,
      );
    }
  }
  return lines;
}

/** Plain text: headline, facts, links. Used for email text parts, SMS-less fallbacks and logs. */
export function plainText(n: Notification, now: number): string {
  const lines = [headline(n), ''];
  if (n.kind === 'digest') lines.push(...digestLines(n));
  for (const f of facts(n, now)) lines.push(`${f.label}: ${f.value}`);
  const ls = links(n);
  if (ls.length) lines.push('', ...ls.map((l) => `${l.label}: ${l.url}`));
  return lines.join('\n');
}

/** Cuts text to max characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? text.slice(0, max) : `${text.slice(0, max - 1)}…`;
}

/**
 * The shortest useful form (SMS): headline, since when and how many probes, and the acknowledge
 * link, never cut inside the link.
 */
export function shortText(n: Notification, now: number, max = 320): string {
  const parts = [headline(n)];
  const start = n.since ?? n.openedAt;
  if ((n.kind === 'trigger' || n.kind === 'escalate' || n.kind === 'test') && start !== null) {
    const probes = n.consecutiveFailures === null ? '' : `${n.consecutiveFailures} failed probes, `;
    parts.push(`${probes}since ${formatWhen(start, now)}.`);
  }
  const tail = n.links.acknowledge ? ` Ack: ${n.links.acknowledge}` : '';
  return truncate(parts.join('. '), Math.max(20, max - tail.length)) + tail;
}

/** Accent colour per notification (hex), for receivers that colour messages. */
export function accentColor(n: Notification): string {
  switch (n.kind) {
    case 'resolve':
      return '#2EB67D';
    case 'acknowledge':
      return '#1D9BD1';
    case 'test':
    case 'digest':
      return '#8A8F98';
    default:
      return n.severity === 'P1' ? '#E01E5A' : n.severity === 'P2' ? '#F2A20C' : '#ECB22E';
  }
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** HTML for email: the same headline, facts and links, inline-styled for mail clients. */
export function htmlText(n: Notification, now: number): string {
  const color = accentColor(n);
  const rows = facts(n, now)
    .map(
      (f) =>
        `<tr><td style="padding:4px 12px 4px 0;color:#555;vertical-align:top;white-space:nowrap">${escapeHtml(f.label)}</td><td style="padding:4px 0">${escapeHtml(f.value)}</td></tr>`,
    )
    .join('');
  const body =
    n.kind === 'digest'
      ? `<pre style="font:14px/1.4 ui-monospace,monospace;white-space:pre-wrap">${escapeHtml(digestLines(n).join('\n'))}</pre>`
      : `<table style="border-collapse:collapse;font:14px/1.4 sans-serif">${rows}</table>`;
  const buttons = links(n)
    .map(
      (l) =>
        `<a href="${escapeHtml(l.url)}" style="display:inline-block;margin:12px 8px 0 0;padding:8px 14px;background:${l.label === 'Acknowledge' ? color : '#eee'};color:${l.label === 'Acknowledge' ? '#fff' : '#222'};text-decoration:none;border-radius:4px">${escapeHtml(l.label)}</a>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="margin:0;padding:16px;font-family:sans-serif">',
    `<div style="border-left:6px solid ${color};padding:8px 16px">`,
    `<h1 style="font-size:18px;margin:0 0 12px">${escapeHtml(headline(n))}</h1>`,
    body,
    `<div>${buttons}</div>`,
    '</div></body></html>',
  ].join('\n');
}
