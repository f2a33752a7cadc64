/**
 * The engine: pure judgement of probe results. No I/O, no timers, no clock: time comes in as an
 * argument. One state per server; `observe` for each round, `tick` when time alone may change
 * something, `summarize` for the CLI/API, `serializeState`/`deserializeState` for the store.
 *
 * Where each rule lives: rules/p1.ts, rules/p2.ts, rules/p3.ts (thresholds from ServerRules, the
 * engine's own guards in tuning.ts).
 */
export { createState, openIncident, activeWarnings, withIncident, type EngineState } from './state.js';
export { observe, tick, type ObserveResult } from './observe.js';
export { observeLate } from './late.js';
export { judgeRound, type RoundVerdict } from './quorum.js';
export { summarize } from './summary.js';
export { serializeState, deserializeState } from './codec.js';
export { acknowledge, postUpdate, resolveManually, resolveRemoved, type IncidentChange } from './incident.js';
export { judgeResult, SOFT_CODES, type ResultVerdict } from './verdict.js';
export { diffTools, formatToolDiff, type ToolDiff, type SchemaChange } from './drift.js';
export { RULES, type Rule } from './rules/index.js';
export * from './types.js';
export { observeTools, sameToolVerdict } from './tools.js';
