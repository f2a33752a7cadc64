/**
 * Routing, pure: which channels hear about what.
 *
 * - P1 and P2 go to `routes.P1` / `routes.P2`, or to the server's own `routes` when it has them.
 * - P3 never goes out one by one: each P3 route names the channels that receive the weekly digest
 *   for that server; the name `digest` stands for `digest.channels`.
 * - Acknowledgements and resolves go to every channel that heard the trigger (including a raise to
 *   P1 and escalations).
 * - A maintenance window covering the server mutes triggers and escalations.
 */
import type { Config } from '../config/types.js';
import type { Incident, IncidentSeverity, Severity } from '../engine/types.js';
import { escalationsDue, openingSeverity, raisedAt } from './escalation.js';

/** The route name that stands for the weekly digest channels. */
export const DIGEST_ROUTE = 'digest';
/** Channel types that wake people up; they never receive digests. */
export const PAGING_TYPES: readonly string[] = ['pagerduty', 'opsgenie', 'sms'];

function unique(names: Iterable<string>): string[] {
  return [...new Set(names)];
}

function known(config: Config, names: Iterable<string>): string[] {
  const all = new Set(config.channels.map((c) => c.name));
  return unique(names).filter((n) => all.has(n));
}

/**
 * The servers by name, built once per servers list (a config is never changed in place, only
 * replaced): looking a server up by scanning the list made the digest, which asks for every server,
 * quadratic (8 s at 50,000 servers).
 */
const byName = new WeakMap<Config['servers'], Map<string, Config['servers'][number]>>();

function serverNamed(config: Config, name: string): Config['servers'][number] | undefined {
  let index = byName.get(config.servers);
  if (!index) {
    index = new Map();
    for (const s of config.servers) if (!index.has(s.name)) index.set(s.name, s);
    byName.set(config.servers, index);
  }
  return index.get(name);
}

function routeNames(config: Config, server: string, severity: Severity): string[] {
  const own = serverNamed(config, server)?.routes?.[severity];
  return own ?? config.routes[severity] ?? [];
}

/** Channels that receive P1 or P2 notifications for this server. */
export function routeChannels(config: Config, server: string, severity: IncidentSeverity): string[] {
  return known(
    config,
    routeNames(config, server, severity).filter((n) => n !== DIGEST_ROUTE),
  );
}

/** Channels whose weekly digest includes this server's P3 warnings (paging channels excluded). */
export function digestChannels(config: Config, server: string): string[] {
  const names = routeNames(config, server, 'P3').flatMap((n) =>
    n === DIGEST_ROUTE ? config.digest.channels : [n],
  );
  const paging = new Set(config.channels.filter((c) => PAGING_TYPES.includes(c.type)).map((c) => c.name));
  return known(config, names).filter((n) => !paging.has(n));
}

/**
 * Every channel that was sent a trigger or an escalation for this incident by `at`: the audience of
 * its acknowledgement and resolve.
 */
export function notifiedChannels(config: Config, incident: Incident, at: number): string[] {
  const names = routeChannels(config, incident.server, openingSeverity(incident));
  if (raisedAt(incident) !== null) names.push(...routeChannels(config, incident.server, 'P1'));
  for (const e of escalationsDue(incident, config, at)) names.push(...known(config, e.to));
  return unique(names);
}
