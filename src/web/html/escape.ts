/**
 * HTML built from tagged templates that escape every interpolated value. Only `Html` values (made by
 * `html` itself or `trusted()`) pass through unescaped, so forgetting to escape is impossible by default.
 */
import { showBidi } from '../../util/unsafe-text.js';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for element content and quoted attribute values (also fine inside SVG and XML). Bidi
 * controls (overrides, embeddings, isolates) become visible [U+202E] markers, so remote text cannot
 * reorder what a reader sees.
 */
export function escapeHtml(text: string): string {
  return showBidi(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** html`<p>${userText}</p>`: strings and numbers are escaped, nested Html and arrays of Html are not. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Marks already-safe markup (generated SVG, constant strings) as Html. Never pass user input. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** Joins fragments without escaping the Html ones. */
export function join(parts: readonly HtmlValue[], separator = ''): Html {
  return new Html(parts.map(render).join(separator));
}
