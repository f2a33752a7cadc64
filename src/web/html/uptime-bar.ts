/**
 * The 90-day availability bar: one SVG rect per UTC day with a `<title>` tooltip (works without
 * JavaScript, read by screen readers), coloured by availability. The past days' markup is memoized
 * on the (cached) array of past bars and the incident notes, so a page of 100 servers re-renders
 * only today's rect per server.
 */
import type { DailyBar } from '../../store/store.js';
import type { History } from '../status/bar-cache.js';
import { escapeHtml, trusted, type Html } from './escape.js';
import { day as dayText } from './format.js';

const STEP = 10;
const WIDTH = 8;
const HEIGHT = 34;

export function dayClass(b: DailyBar): string {
  if (b.total === 0) return 'd-none';
  const a = (b.total - b.failed) / b.total;
  if (a >= 0.999) return 'd-ok';
  if (a >= 0.99) return 'd-minor';
  if (a >= 0.95) return 'd-major';
  return 'd-down';
}

export function dayTooltip(b: DailyBar, notes: readonly string[] = []): string {
  const date = dayText(b.day);
  if (b.total === 0) return `${date}: no data`;
  if (b.failed === 0 && notes.length === 0) return `${date}: 100% available`;
  const a = (((b.total - b.failed) / b.total) * 100).toFixed(2);
  let layers = '';
  for (const [layer, n] of Object.entries(b.failedByLayer))
    if (n > 0) layers += `${layers ? ', ' : ''}${layer} ${n}`;
  const failed =
    b.failed === 0
      ? 'no failed probes'
      : `${b.failed} of ${b.total} probes failed${layers ? ` (${layers})` : ''}`;
  return notes.length
    ? [`${date}: ${a}% available, ${failed}`, ...notes].join('\n')
    : `${date}: ${a}% available, ${failed}`;
}

/** Good days carry no class (the stylesheet's default fill): most rects stay short. */
function rect(b: DailyBar, i: number, notes: ReadonlyMap<number, string[]>): string {
  const cls = dayClass(b);
  return `<rect x="${i * STEP}" width="${WIDTH}" height="${HEIGHT}"${cls === 'd-ok' ? '' : ` class="${cls}"`}><title>${escapeHtml(dayTooltip(b, notes.get(b.day)))}</title></rect>`;
}

/** Memo of past days' markup: keyed by the past array (identity) and a signature of its notes. */
const memo = new WeakMap<readonly DailyBar[], Map<string, string>>();

function pastMarkup(past: readonly DailyBar[], notes: ReadonlyMap<number, string[]>): string {
  let signature = '';
  for (const [d, list] of notes)
    if (d < (past[past.length - 1]?.day ?? 0) + 1) signature += `${d}:${list.join('|')};`;
  let byNotes = memo.get(past);
  if (!byNotes) memo.set(past, (byNotes = new Map()));
  let markup = byNotes.get(signature);
  if (markup === undefined) {
    markup = past.map((b, i) => rect(b, i, notes)).join('');
    if (byNotes.size > 8) byNotes.clear();
    byNotes.set(signature, markup);
  }
  return markup;
}

/** `notes` adds lines to a day's tooltip (e.g. incidents that day), keyed by UTC midnight. */
export function uptimeBar(h: History, label: string, notes: ReadonlyMap<number, string[]> = new Map()): Html {
  const days = h.past.length + 1;
  const width = days * STEP - (STEP - WIDTH);
  return trusted(
    `<svg class="bars" viewBox="0 0 ${width} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(label)}" data-days="${days}">` +
      pastMarkup(h.past, notes) +
      rect(h.today, h.past.length, notes) +
      '</svg>',
  );
}
