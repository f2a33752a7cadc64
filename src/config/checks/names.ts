/** Names that others refer to must be unique: servers, channels, status page slugs, maintenance ids. */
import { DIGEST_ROUTE } from '../defaults.js';
import { formatPath } from '../path.js';
import { namesOf, rec, shown, type CheckContext } from './context.js';

export function checkNames(ctx: CheckContext): void {
  const root = rec(ctx.data);
  unique(ctx, 'servers', 'name', 'server name');
  unique(ctx, 'channels', 'name', 'channel name');
  unique(ctx, 'statusPages', 'slug', 'status page slug');
  unique(ctx, 'maintenance', 'id', 'maintenance id');
  unique(ctx, 'sources', 'name', 'source name');
  uniqueServiceNames(ctx);
  for (const { name, index } of namesOf(root['channels'], 'name')) {
    if (name === DIGEST_ROUTE) {
      ctx.problems.error(
        ['channels', index, 'name'],
        `"${DIGEST_ROUTE}" is reserved: routes use it for the P3 digest`,
      );
    }
  }
}

function unique(ctx: CheckContext, section: string, key: string, what: string): void {
  const firstAt = new Map<string, number>();
  for (const { name, index } of namesOf(rec(ctx.data)[section], key)) {
    const first = firstAt.get(name);
    if (first === undefined) {
      firstAt.set(name, index);
      continue;
    }
    const path = [section, index, key];
    ctx.problems.error(
      path,
      `duplicate ${what} ${shown(ctx, path, name)} (first at ${formatPath([section, first])})`,
    );
  }
}

/** Spans find their server by service.name (default: the server's name): two servers cannot share one. */
function uniqueServiceNames(ctx: CheckContext): void {
  const servers = rec(ctx.data)['servers'];
  if (!Array.isArray(servers)) return;
  const firstAt = new Map<string, { index: number; explicit: boolean }>();
  servers.forEach((s: unknown, index) => {
    const entry = rec(s);
    const explicit = rec(entry['telemetry'])['serviceName'];
    const service = typeof explicit === 'string' ? explicit : entry['name'];
    if (typeof service !== 'string') return;
    const first = firstAt.get(service);
    if (first === undefined)
      return void firstAt.set(service, { index, explicit: typeof explicit === 'string' });
    // Two servers of the same name are reported as such (unique() above).
    if (typeof explicit !== 'string' && !first.explicit) return;
    const path =
      typeof explicit === 'string'
        ? ['servers', index, 'telemetry', 'serviceName']
        : ['servers', index, 'name'];
    ctx.problems.error(
      path,
      `telemetry service.name "${service}" is already the one of ${formatPath(['servers', first.index])}; set servers[].telemetry.serviceName`,
    );
  });
}
