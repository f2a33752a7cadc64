/** Flat SVG badges (label on grey, message on a colour) for READMEs: status, uptime, p95. */
import { escapeHtml } from '../html/escape.js';
import type { ComponentStatus } from './model.js';

/** Approximate advance widths of Verdana 11px, enough to size the boxes. */
function textWidth(text: string): number {
  let w = 0;
  for (const c of text) {
    if ("il.,:;|!'1 ".includes(c)) w += 3.8;
    else if ('mwMW%@'.includes(c)) w += 10;
    else if (c >= 'A' && c <= 'Z') w += 7.6;
    else w += 6.6;
  }
  return Math.ceil(w);
}

export function badgeSvg(label: string, message: string, color: string): string {
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const w = lw + mw;
  const l = escapeHtml(label);
  const m = escapeHtml(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}">
<title>${l}: ${m}</title>
<linearGradient id="g" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="c"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#c)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#g)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${m}</text></g>
</svg>
`;
}

const STATUS_BADGE: Record<ComponentStatus | 'unknown', [string, string]> = {
  operational: ['operational', '#44cc11'],
  degraded_performance: ['degraded', '#dfb317'],
  partial_outage: ['partial outage', '#fe7d37'],
  major_outage: ['down', '#e05d44'],
  under_maintenance: ['maintenance', '#007ec6'],
  unknown: ['unknown', '#9f9f9f'],
};

export function statusBadge(server: string, status: ComponentStatus | 'unknown'): string {
  const [message, color] = STATUS_BADGE[status];
  return badgeSvg(server, message, color);
}

export function uptimeBadge(window: string, availability: number | null): string {
  if (availability === null) return badgeSvg(`uptime ${window}`, 'no data', '#9f9f9f');
  const color =
    availability >= 0.999
      ? '#44cc11'
      : availability >= 0.99
        ? '#a4a61d'
        : availability >= 0.95
          ? '#fe7d37'
          : '#e05d44';
  const digits = availability >= 0.9999 || availability < 0.99 ? 2 : 3;
  return badgeSvg(`uptime ${window}`, `${(availability * 100).toFixed(digits)}%`, color);
}

export function latencyBadge(window: string, p95: number | null): string {
  if (p95 === null) return badgeSvg(`p95 ${window}`, 'no data', '#9f9f9f');
  const color = p95 < 300 ? '#44cc11' : p95 < 1000 ? '#dfb317' : '#e05d44';
  const text = p95 >= 10_000 ? `${(p95 / 1000).toFixed(1)} s` : `${Math.round(p95)} ms`;
  return badgeSvg(`p95 ${window}`, text, color);
}
