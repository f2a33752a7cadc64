/** Every name used in routes, escalation, the digest, status pages and maintenance must exist. */
import { defaultSourceName } from '../build.js';
import { DIGEST_ROUTE } from '../defaults.js';
import { didYouMean } from '../did-you-mean.js';
import type { PathSegment } from '../path.js';
import { list, namesOf, rec, shown, str, type CheckContext } from './context.js';
import { INCIDENT_SEVERITIES, SEVERITIES } from '../../engine/types.js';

export function checkReferences(ctx: CheckContext): void {
  const root = rec(ctx.data);
  const channels = namesOf(root['channels'], 'name').map((c) => c.name);
  const servers = namesOf(root['servers'], 'name').map((s) => s.name);
  const routeTargets = [...channels, DIGEST_ROUTE];

  checkRoutes(ctx, root['routes'], ['routes'], routeTargets);
  list(root['servers']).forEach((server, i) =>
    checkRoutes(ctx, rec(server)['routes'], ['servers', i, 'routes'], routeTargets),
  );

  const escalation = rec(root['escalation']);
  for (const severity of INCIDENT_SEVERITIES) {
    refs(ctx, rec(escalation[severity])['to'], ['escalation', severity, 'to'], channels, 'channel');
  }
  refs(ctx, rec(root['digest'])['channels'], ['digest', 'channels'], channels, 'channel');

  const sources = list(root['sources']).flatMap((src) => {
    const s = rec(src);
    const name = str(s['name']);
    if (name !== undefined) return [name];
    try {
      return [defaultSourceName(String(s['registry']), str(s['search']))];
    } catch {
      return [];
    }
  });
  list(root['statusPages']).forEach((page, i) => {
    refs(ctx, rec(page)['servers'], ['statusPages', i, 'servers'], servers, 'server');
    const source = str(rec(page)['source']);
    const at = ['statusPages', i, 'source'];
    if (source !== undefined && !sources.includes(source))
      ctx.problems.error(at, `unknown source ${shown(ctx, at, source)}${didYouMean(source, sources)}`);
  });
  list(root['maintenance']).forEach((window, i) => {
    refs(ctx, rec(window)['servers'], ['maintenance', i, 'servers'], servers, 'server');
  });
}

function checkRoutes(ctx: CheckContext, routes: unknown, path: PathSegment[], targets: string[]): void {
  for (const severity of SEVERITIES) {
    refs(ctx, rec(routes)[severity], [...path, severity], targets, 'channel');
  }
}

function refs(ctx: CheckContext, names: unknown, path: PathSegment[], known: string[], what: string): void {
  list(names).forEach((value, i) => {
    const name = str(value);
    if (name === undefined || known.includes(name)) return;
    const at = [...path, i];
    const hint =
      name === DIGEST_ROUTE ? ` ("${DIGEST_ROUTE}" is only valid in routes)` : didYouMean(name, known);
    ctx.problems.error(at, `unknown ${what} ${shown(ctx, at, name)}${hint}`);
  });
}
