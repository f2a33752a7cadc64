/**
 * Warnings: a config that works but is probably not what was meant (nothing to monitor, a channel
 * nothing routes to, a secret written into the file instead of coming from the environment).
 */
import { DIGEST_TYPES, ROUTE_TYPES } from '../defaults.js';
import { formatPath, type PathSegment } from '../path.js';
import { list, rec, str, type CheckContext } from './context.js';
import { SEVERITIES } from '../../engine/types.js';

/** Settings that hold credentials: they belong in ${ENV}. */
const SECRET_KEYS = new Set(['secret', 'routingKey', 'apiKey', 'authToken', 'pass']);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);

export function checkHygiene(ctx: CheckContext): void {
  const root = rec(ctx.data);
  if (list(root['servers']).length === 0 && list(root['sources']).length === 0) {
    ctx.problems.warning(['servers'], 'no servers to monitor (add them here or through the API)');
  }
  checkUnusedChannels(ctx, root);
  checkLiteralSecrets(ctx, root);
}

function checkUnusedChannels(ctx: CheckContext, root: Record<string, unknown>): void {
  const routes = rec(root['routes']);
  const used = new Set<string>();
  const addAll = (names: unknown): void => list(names).forEach((n) => typeof n === 'string' && used.add(n));
  for (const severity of SEVERITIES) addAll(routes[severity]);
  for (const server of list(root['servers'])) {
    for (const names of Object.values(rec(rec(server)['routes']))) addAll(names);
  }
  for (const step of Object.values(rec(root['escalation']))) addAll(rec(step)['to']);
  addAll(rec(root['digest'])['channels']);

  list(root['channels']).forEach((value, i) => {
    const channel = rec(value);
    const name = str(channel['name']);
    const type = str(channel['type']) ?? '';
    if (name === undefined || used.has(name)) return;
    const routedByType =
      (!('P1' in routes) && ROUTE_TYPES.P1.includes(type)) ||
      (!('P2' in routes) && ROUTE_TYPES.P2.includes(type)) ||
      (!('channels' in rec(root['digest'])) && DIGEST_TYPES.includes(type));
    if (!routedByType)
      ctx.problems.warning(['channels', i, 'name'], `channel "${name}" is not used by any route`);
  });
}

function checkLiteralSecrets(ctx: CheckContext, root: Record<string, unknown>): void {
  const warn = (path: PathSegment[]): void => {
    if (!ctx.fromEnv.has(formatPath(path))) {
      ctx.problems.warning(path, 'looks like a secret written into the file: use ${ENV_VAR} instead');
    }
  };
  const walk = (node: unknown, path: PathSegment[]): void => {
    for (const [key, value] of Object.entries(rec(node))) {
      if (typeof value === 'string' && value !== '' && SECRET_KEYS.has(key)) warn([...path, key]);
      else if (typeof value === 'object' && value !== null && !Array.isArray(value))
        walk(value, [...path, key]);
    }
  };
  list(root['channels']).forEach((channel, i) => walk(channel, ['channels', i]));
  const headerSets: [unknown, PathSegment[]][] = [
    [rec(root['defaults'])['headers'], ['defaults', 'headers']],
  ];
  list(root['servers']).forEach((s, i) => headerSets.push([rec(s)['headers'], ['servers', i, 'headers']]));
  for (const [headers, path] of headerSets) {
    for (const [name, value] of Object.entries(rec(headers))) {
      if (typeof value === 'string' && value !== '' && SECRET_HEADERS.has(name.toLowerCase()))
        warn([...path, name]);
    }
  }
  const postgres = str(rec(root['storage'])['postgres']);
  if (postgres !== undefined && /^[a-z]+:\/\/[^/@]*:[^/@]+@/i.test(postgres)) warn(['storage', 'postgres']);
}
