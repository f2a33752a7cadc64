export { probe, probeDetailed, ProbeUsageError, PROBE_DEFAULTS, type FullProbeOptions } from './probe.js';
export type { Lookup } from './connect.js';
export { isBlockedAddress } from './address-guard.js';
export * from './types.js';
