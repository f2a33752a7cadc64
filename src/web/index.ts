/** The web face's public surface, for `mcpwatch serve` and tests. */
export {
  buildApp,
  startWeb,
  registeredRoutes,
  DEFAULT_PORT,
  type WebOptions,
  type RegisteredRoute,
} from './app.js';
export { ensureFirstToken, createToken, type Scope } from './auth/tokens.js';
export {
  createWebMetrics,
  type WebMetrics,
  type MetricsOptions,
  type NotificationOutcome,
} from './metrics.js';
export {
  draftPostmortem,
  ensurePostmortemDraft,
  loadPostmortem,
  missingPostmortems,
  type Postmortem,
  type PostmortemFacts,
} from './postmortem.js';
export { diffSurfaces, diffTool, type SurfaceDiff, type ToolChange, type FieldChange } from './drift.js';
export { windowStats, series, parseWindow, type WindowStats, type Series } from './stats.js';
export type * from '../monitor/monitor-view.js';
export { BURN_WINDOWS } from '../monitor/monitor-view.js';
