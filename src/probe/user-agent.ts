/**
 * The User-Agent of every probe request: `mcpwatch/VERSION region=NAME`, so that operators can
 * recognise (and allowlist) probes, and tell which region sent them. The hub's own probes carry its
 * region (`local` unless server.region says otherwise); an agent's carry the agent's.
 */
import { VERSION } from '../util/version.js';

export function probeUserAgent(region: string): string {
  return `mcpwatch/${VERSION} region=${region}`;
}
