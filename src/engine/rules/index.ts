/**
 * Every rule of DESIGN's P1/P2/P3 table, in priority order: when several fire at once, the first
 * opens the incident and the others join it.
 */
import type { RuleId, Severity } from '../types.js';
import { P1_RULES } from './p1.js';
import { P2_RULES } from './p2.js';
import { P3_RULES } from './p3.js';
import type { Rule } from './rule.js';
import { TOOL_P1_RULES, TOOL_P2_RULES } from './tools.js';

export type { Facts, Finding, Rule } from './rule.js';

export const RULES: readonly Rule[] = [
  ...P1_RULES,
  ...TOOL_P1_RULES,
  ...P2_RULES,
  ...TOOL_P2_RULES,
  ...P3_RULES,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function severityOf(id: RuleId): Severity {
  return BY_ID.get(id)?.severity ?? 'P3';
}

const ORDER = new Map(RULES.map((r, i) => [r.id, i]));

/** Rule ids sorted by priority. */
export function byPriority(ids: Iterable<RuleId>): RuleId[] {
  return [...ids].sort((a, b) => (ORDER.get(a) ?? 99) - (ORDER.get(b) ?? 99));
}
