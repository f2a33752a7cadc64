/**
 * Which CA files a server entry from the API may name. The API must not make the monitor read any
 * file it can reach (`ca: /etc/passwd`): only PEM files of certificates inside the configured
 * `server.apiCaDirectory`, named relative to it, with symlinks resolved before the check. A change to
 * a server may keep the `ca` its entry already has (the file's own value).
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const MAX_CA_BYTES = 1024 * 1024;

export type ApiCa = { ok: true; path: string } | { ok: false; message: string };

export function checkApiCa(ca: string, directory: string | null): ApiCa {
  if (directory === null)
    return {
      ok: false,
      message:
        'a CA file cannot be set through the API: configure server.apiCaDirectory and put the PEM file there',
    };
  const outside = {
    ok: false as const,
    message: `must be a file name inside server.apiCaDirectory (${directory}), not ${JSON.stringify(ca)}`,
  };
  if (isAbsolute(ca) || ca.split(/[\\/]/).includes('..')) return outside;
  let root: string;
  let real: string;
  try {
    root = realpathSync(directory);
    real = realpathSync(resolve(directory, ca));
  } catch {
    return { ok: false, message: `no such CA file in server.apiCaDirectory: ${ca}` };
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return outside;
  if (!looksLikePem(real)) return { ok: false, message: `${ca} is not a PEM file of certificates` };
  return { ok: true, path: real };
}

/** A regular file under 1 MiB that holds at least one PEM certificate. */
function looksLikePem(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_CA_BYTES) return false;
    const buf = Buffer.alloc(stat.size);
    readSync(fd, buf, 0, stat.size, 0);
    return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(buf.toString('latin1'));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
