/**
 * The value-equal parts of the servers' configs, shared between them: 50,000 servers written alike
 * would otherwise hold 50,000 equal copies of their SLO, thresholds, regions and empty lists. These
 * parts are plain data that nothing changes once the config is built (a change builds a new one).
 */
import type { ServerConfig } from './types.js';

export function shareEqualParts(servers: ServerConfig[]): ServerConfig[] {
  const seen = new Map<string, unknown>();
  const share = <T>(part: string, value: T): T => {
    const key = `${part}:${JSON.stringify(value)}`;
    const known = seen.get(key);
    if (known !== undefined) return known as T;
    seen.set(key, value);
    return value;
  };
  return servers.map((s) => ({
    ...s,
    headers: share('headers', s.headers),
    tags: share('tags', s.tags),
    regions: share('regions', s.regions),
    expectTools: share('expectTools', s.expectTools),
    calls: share('calls', s.calls),
    rules: {
      ...s.rules,
      slo: share('slo', s.rules.slo),
      thresholds: share('thresholds', s.rules.thresholds),
    },
  }));
}
