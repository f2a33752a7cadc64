/**
 * Small server-rendered line charts (inline SVG, no script): a few series over evenly spaced steps,
 * gaps where a step has no value, a grid with y labels, and one hover column per step whose
 * `<title>` lists the values (tooltips without JavaScript). Colours are presentation attributes, so
 * the strict CSP (no inline styles) holds.
 */
import { escapeHtml, trusted, type Html } from './escape.js';

export interface ChartSeries {
  name: string;
  color: string;
  values: readonly (number | null)[];
}

export interface ChartOptions {
  /** Step start times, ms since epoch (same length as every series). */
  xs: readonly number[];
  series: readonly ChartSeries[];
  label: string;
  formatY: (v: number) => string;
  formatX: (at: number) => string;
  /** Lower bound of the top of the y axis (e.g. 0.05 for error rates). */
  minYMax?: number;
  width?: number;
  height?: number;
}

const PAD = { left: 56, right: 12, top: 12, bottom: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * p;
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function lineChart(o: ChartOptions): Html {
  const width = o.width ?? 720;
  const height = o.height ?? 220;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const n = o.xs.length;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = niceMax(Math.max(o.minYMax ?? 0, ...all));
  const x = (i: number): number => PAD.left + (n <= 1 ? 0 : (i / (n - 1)) * plotW);
  const y = (v: number): number => PAD.top + plotH - (Math.min(v, yMax) / yMax) * plotH;

  let out = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.label)}">`;
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    const yy = r1(y(v));
    out += `<line class="grid-line" x1="${PAD.left}" x2="${width - PAD.right}" y1="${yy}" y2="${yy}"/>`;
    out += `<text x="${PAD.left - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${escapeHtml(o.formatY(v))}</text>`;
  }
  if (n > 0) {
    for (const i of [0, Math.floor((n - 1) / 2), n - 1]) {
      const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      out += `<text x="${r1(x(i))}" y="${height - PAD.bottom + 16}" text-anchor="${anchor}">${escapeHtml(o.formatX(o.xs[i]!))}</text>`;
    }
  }
  for (const s of o.series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r1(x(i))} ${r1(y(v))}`;
      pen = true;
    });
    if (d)
      out += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"><title>${escapeHtml(s.name)}</title></path>`;
  }
  const colW = n <= 1 ? plotW : plotW / (n - 1);
  o.xs.forEach((at, i) => {
    const values = o.series.map((s) => `${s.name}: ${s.values[i] == null ? '–' : o.formatY(s.values[i]!)}`);
    const tip = [o.formatX(at), ...values].join('\n');
    out += `<rect x="${r1(x(i) - colW / 2)}" y="${PAD.top}" width="${r1(colW)}" height="${plotH}" fill="transparent"><title>${escapeHtml(tip)}</title></rect>`;
  });
  let lx = PAD.left;
  for (const s of o.series) {
    out += `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="${height - 5}">${escapeHtml(s.name)}</text>`;
    lx += 24 + s.name.length * 7;
  }
  return trusted(`${out}</svg>`);
}
