/** Numbers as rule messages print them. */
import { formatDuration } from '../util/duration.js';

export function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export function times(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
}

export function ms(x: number): string {
  return `${x} ms`;
}

export function iso(at: number): string {
  return new Date(at).toISOString();
}

export function span(msValue: number): string {
  return formatDuration(msValue);
}

export function failureText(f: { layer: string; code: string; message?: string }): string {
  return `${f.layer}/${f.code}${f.message ? ` (${f.message})` : ''}`;
}

/** Rounds to a number of decimals (for summaries: no float noise like 43.199999999). */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
