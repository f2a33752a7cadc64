/**
 * Aliases inside the node their anchor names (`a: &a [*a]`, `x: &m { <<: *m }`): such a document is
 * infinitely deep, and turning it into plain data would recurse for ever. Found on the parsed
 * document, before anything reads it as data.
 */
import { visit, type Alias, type Document, type Node } from 'yaml';

export interface AliasCycle {
  alias: Alias;
  /** Offset of the alias in the text. */
  offset: number;
}

export function aliasCycles(doc: Document): AliasCycle[] {
  const found: AliasCycle[] = [];
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc) as Node | undefined;
      if (target && path.includes(target as never)) found.push({ alias, offset: alias.range?.[0] ?? 0 });
    },
  });
  return found;
}
