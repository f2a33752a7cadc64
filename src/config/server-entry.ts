/**
 * One `servers` entry from outside the file (the API's add/change server), validated like the file
 * and built with the file's `defaults`. No ${ENV} substitution here: a caller of the API must not be
 * able to read the monitor's environment into a URL or header.
 */
import { dirname, resolve } from 'node:path';
import { checkApiCa } from './api-ca.js';
import { buildServer } from './build-server.js';
import { checkValues } from './checks/values.js';
import { ProblemCollector } from './collector.js';
import { DIGEST_ROUTE } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import { isRecord } from './path.js';
import type { Problem } from './problem.js';
import type { RawServer } from './raw.js';
import { checkSchema } from './schema.js';
import type { Config, ServerConfig } from './types.js';

export interface ServerEntryResult {
  /** null when there is at least one error. */
  server: ServerConfig | null;
  /** Paths are relative to the entry (`url`, `slo.target`); no line numbers. */
  problems: Problem[];
}

/**
 * Validates `raw` as a server entry of `config`: the schema, the semantic checks, a name not used
 * by another server (`replacing` names the server being changed), routes to existing channels, and
 * a `ca` the API may name (see api-ca.ts).
 */
export function parseServerEntry(
  raw: unknown,
  config: Config,
  opts: { replacing?: string } = {},
): ServerEntryResult {
  const problems = new ProblemCollector(null);
  const data = { servers: [structuredClone(raw)] };
  checkSchema(data, problems, new Set());
  const configDir = config.file === null ? null : dirname(resolve(config.file));
  const entry = data.servers[0];
  // The CA file: the one this server already uses (unchanged by a PATCH), or one the API may name
  // (inside server.apiCaDirectory). checkValues' own CA check is for files named in the config file.
  const currentServer = config.servers.find((s) => s.name === opts.replacing);
  const ca = isRecord(entry) && typeof entry['ca'] === 'string' ? entry['ca'] : undefined;
  let caPath: string | null = null;
  if (ca !== undefined && ca === currentServer?.entry?.ca) caPath = currentServer.ca;
  else if (ca !== undefined) {
    const checked = checkApiCa(ca, config.server.apiCaDirectory);
    if (checked.ok) caPath = checked.path;
    else problems.error(['servers', 0, 'ca'], checked.message);
  }
  checkValues({ data, problems, fromEnv: new Set(), baseDir: null });

  if (isRecord(entry)) {
    const name = entry['name'];
    const taken = config.servers.some((s) => s.name === name && s.name !== opts.replacing);
    if (typeof name === 'string' && taken)
      problems.error(['servers', 0, 'name'], `a server named "${name}" exists already`);
    if (opts.replacing !== undefined && name !== opts.replacing) {
      problems.error(
        ['servers', 0, 'name'],
        'cannot change: remove the server and add it under the new name',
      );
    }
    const channels = [...config.channels.map((c) => c.name), DIGEST_ROUTE];
    for (const [severity, names] of Object.entries(isRecord(entry['routes']) ? entry['routes'] : {})) {
      (Array.isArray(names) ? names : []).forEach((target: unknown, i) => {
        if (typeof target === 'string' && !channels.includes(target)) {
          problems.error(
            ['servers', 0, 'routes', severity, i],
            `unknown channel "${target}"${didYouMean(target, channels)}`,
          );
        }
      });
    }
  }

  const list = problems.list().map((p) => ({ ...p, path: p.path.replace(/^servers\[0\]\.?/, '') }));
  if (problems.hasErrors) return { server: null, problems: list };
  const server = buildServer(entry as RawServer, config.serverDefaults ?? {}, configDir);
  return { server: caPath === null ? server : { ...server, ca: caPath }, problems: list };
}
