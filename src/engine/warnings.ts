/** P3 warnings: raised and cleared, never paged. Immutable values like incidents. */
import type { RuleId, Warning } from './types.js';
import type { Finding } from './rules/rule.js';

/** Opened at the finding's own start when it has one (a schema change), else now. */
export function raiseWarning(server: string, rule: RuleId, finding: Finding, now: number): Warning {
  const at = finding.since ?? now;
  const w: Warning = {
    id: `${server}-${rule}-${at}`,
    server,
    rule,
    message: finding.message,
    openedAt: at,
    clearedAt: null,
  };
  if (finding.details) w.details = finding.details;
  return w;
}

export function clearWarning(w: Warning, at: number): Warning {
  return { ...w, clearedAt: at };
}
