/**
 * Runs the rules over the facts: P1/P2 findings switch triggers on and off (the incident follows in
 * lifecycle.ts); P3 findings raise and clear warnings. Triggers are edge-driven: only a trigger that
 * switches on can open an incident, so one that still holds after a manual resolution does not
 * reopen it until it has cleared and fired again.
 *
 * Window triggers (error rates, fast burn: a rule's `switchOn`) switch on only at a round that failed
 * (the fast burn: at a confirmed failure). Their windows keep an outage's failures for 5 to 360 minutes
 * after it ended, and a window can cross its threshold late, as it slides or as its minimum-sample
 * guard fills with the good rounds that follow a recovery: it must not then open an incident on a
 * server that is healthy now. Once on, they hold and clear exactly as their checks say.
 */
import type { EngineEvent, RuleId } from './types.js';
import { RULES, byPriority, type Facts, type Finding, type Rule } from './rules/index.js';
import type { EngineState, Memory } from './state.js';
import { clearWarning, raiseWarning } from './warnings.js';
import { TUNING } from './tuning.js';

export interface RuleOutcome {
  /** Triggers that switched on, in priority order, with what they found. */
  activated: { id: RuleId; finding: Finding }[];
  cleared: RuleId[];
  /** Warning events. */
  events: EngineEvent[];
}

/** Applies the selected rules to `s` (a clone being built: its triggers and warnings change). */
export function applyRules(
  s: EngineState,
  facts: Facts,
  now: number,
  selected: (r: Rule) => boolean,
): RuleOutcome {
  const out: RuleOutcome = { activated: [], cleared: [], events: [] };
  for (const rule of RULES) {
    if (!selected(rule)) continue;
    if (rule.severity === 'P3') applyWarningRule(s, rule, facts, now, out);
    else applyTriggerRule(s, rule, facts, out);
  }
  s.triggers = byPriority(s.triggers);
  return out;
}

function applyTriggerRule(s: EngineState, rule: Rule, facts: Facts, out: RuleOutcome): void {
  const wasActive = s.triggers.includes(rule.id);
  const finding = rule.check(facts, wasActive);
  if (finding && !wasActive) {
    if (!maySwitchOn(rule, facts.memory)) return;
    s.triggers.push(rule.id);
    out.activated.push({ id: rule.id, finding });
  } else if (!finding && wasActive) {
    s.triggers = s.triggers.filter((id) => id !== rule.id);
    out.cleared.push(rule.id);
  }
}

/**
 * Whether the last round allows `rule` to switch on (see Rule.switchOn). These rules are not
 * time-driven: they are judged at rounds only, so `memory` describes the round being judged.
 */
function maySwitchOn(rule: Rule, memory: Memory): boolean {
  switch (rule.switchOn) {
    case undefined:
      return true;
    case 'failedRound':
      return memory.lastRoundFailed;
    case 'confirmedFailure':
      return memory.lastRoundFailed && memory.streaks.failed >= TUNING.minFailureRun;
  }
}

function applyWarningRule(s: EngineState, rule: Rule, facts: Facts, now: number, out: RuleOutcome): void {
  const current = s.warnings.find((w) => w.rule === rule.id);
  const finding = rule.check(facts, current !== undefined);
  if (rule.holdMs !== undefined) {
    if (finding)
      s.memory = { ...s.memory, warningHeldAt: { ...s.memory.warningHeldAt, [rule.id]: facts.at } };
    const heldAt = s.memory.warningHeldAt[rule.id];
    if (!finding && current && heldAt !== undefined && facts.at - heldAt < rule.holdMs) return;
  }
  const replaced = current && finding?.since !== undefined && finding.since !== current.openedAt;
  if (current && (!finding || replaced)) {
    s.warnings = s.warnings.filter((w) => w !== current);
    out.events.push({ type: 'warning_cleared', warning: clearWarning(current, now) });
  }
  if (finding && (!current || replaced)) {
    const warning = raiseWarning(s.rules.name, rule.id, finding, now);
    s.warnings.push(warning);
    out.events.push({ type: 'warning_raised', warning });
  }
}
