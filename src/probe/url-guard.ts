/**
 * Why a URL is refused for a public monitor: its host is or resolves to an address the prober refuses
 * (address-guard.ts). The prober checks again on every connection (DNS can change); this check, made
 * when a server is added through the API or a probe_url tool call names a URL, makes the mistake
 * visible at once. A name that does not resolve now is let through: the probe will classify it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isBlockedAddress } from './address-guard.js';

const LOOKUP_TIMEOUT_MS = 3_000;

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** Why `url` is refused for a public monitor, or null. */
export async function blockedUrlReason(url: string, resolve: Resolve = resolveAll): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null; // the entry's own validation reports a bad URL
  }
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        resolve(host),
        new Promise<string[]>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS);
        }),
      ]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
  const blocked = addresses.filter(isBlockedAddress);
  if (blocked.length === 0) return null;
  const where = isIP(host) ? host : `${host} resolves to ${blocked.join(', ')}`;
  return `${where}: a private, loopback, link-local or reserved address, which a public monitor does not probe`;
}
