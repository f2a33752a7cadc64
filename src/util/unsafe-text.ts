/**
 * Characters in remote text (server names, tool names, error messages) that can drive a terminal or
 * reorder what a reader sees: C0 controls, DEL, C1 controls (ESC sequences, OSC titles, 8-bit CSI)
 * and the Unicode bidirectional controls (overrides, embeddings, isolates, marks).
 */

/**
 * The bidi controls that reorder text: LRE/RLE/PDF/LRO/RLO (U+202A–202E) and LRI/RLI/FSI/PDI
 * (U+2066–2069). (The marks ALM, LRM and RLM only nudge neutral characters; legitimate right-to-left
 * text uses them, so pages keep them. The terminal escapes them too.)
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/** C0 (but \n and \t), DEL, C1, bidi controls and the Unicode line/paragraph separators. */
const TERMINAL_UNSAFE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** The same, with \n and \t too: for text that must stay on one line. */
const LINE_UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const visible = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/**
 * Replaces every unsafe character by its visible `\uXXXX` escape. The escape is also what JSON uses,
 * so JSON text stays valid and parses back to the same value.
 */
export function neutralise(text: string, keepLines = true): string {
  return text.replace(keepLines ? TERMINAL_UNSAFE : LINE_UNSAFE, visible);
}

/**
 * Every string in a JSON-like value neutralised to one line (keys included). Only arrays and plain
 * objects are walked: an Error, a Date or a Buffer is returned as it is.
 */
export function neutraliseDeep<T>(value: T): T {
  if (typeof value === 'string') return neutralise(value, false) as T;
  if (Array.isArray(value)) return value.map(neutraliseDeep) as T;
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null)
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        neutralise(k, false),
        neutraliseDeep(v),
      ]),
    ) as T;
  return value;
}

/** Bidi controls shown as a visible marker (`[U+202E]`) so a reader sees the text in stored order. */
export function showBidi(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}
