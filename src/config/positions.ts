/** Line and column of a config path, read from the parsed YAML document. */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Path } from './path.js';

export interface Position {
  line: number;
  column: number;
}

export interface SourceMap {
  /**
   * Where `path` is written. With `key`, the key of the last segment (for unknown keys). A path that
   * is not in the file (a missing key) resolves to the nearest ancestor that is.
   */
  position(path: Path, opts?: { key?: boolean }): Position | null;
}

export function sourceMapOf(doc: Document, lines: LineCounter): SourceMap {
  const at = (node: { range?: [number, number, number] | null } | null | undefined): Position | null => {
    const offset = node?.range?.[0];
    if (offset === undefined) return null;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  return {
    position(path, opts = {}) {
      let node: unknown = doc.contents;
      let best = at(doc.contents as Node | null);
      for (let i = 0; i < path.length; i++) {
        if (isAlias(node)) node = node.resolve(doc);
        const segment = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
          );
          if (!pair) return best;
          const keyPos = at(pair.key as Node);
          const valuePos = at(pair.value as Node | null);
          if (last && opts.key) return keyPos ?? best;
          best = valuePos ?? keyPos ?? best;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item: unknown = node.items[segment];
          if (item === undefined) return best;
          best = at(item as Node) ?? best;
          node = item;
        } else {
          return best;
        }
      }
      return best;
    },
  };
}
