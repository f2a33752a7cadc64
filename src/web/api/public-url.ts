/**
 * A public monitor (`server.public: true`) refuses, when a server is added or changed through the
 * API, a URL whose host is or resolves to an address the prober would refuse (see
 * probe/address-guard.ts). The prober checks again on every connection (DNS can change); this check
 * makes the mistake visible at once. A name that does not resolve now is let through: the probe will
 * classify it.
 */
import { blockedUrlReason } from '../../probe/url-guard.js';
import { ProblemError } from '../http/problem.js';

/** Throws the API's validation problem when a public monitor must refuse `url`. */
export async function refuseBlockedUrl(publicMode: boolean, url: string | undefined): Promise<void> {
  if (!publicMode || url === undefined) return;
  const reason = await blockedUrlReason(url);
  if (reason === null) return;
  throw new ProblemError('validation', `url: ${reason}`, {
    extensions: { problems: [{ path: 'url', message: reason }] },
  });
}
