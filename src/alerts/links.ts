/**
 * The links a notification carries. Paths are served by web/: the status page path is fixed by the
 * design; the dashboard and acknowledgement paths are proposed here (see docs/alerts.md).
 */
import type { Config } from '../config/types.js';
import { signAckToken, type AckSecret } from './ack-token.js';

function base(config: Config): string {
  return config.server.publicUrl.replace(/\/+$/, '');
}

/** The first status page that lists the server, or null. */
export function statusPageLink(config: Config, server: string): string | null {
  const page = config.statusPages.find((p) => p.servers.includes(server));
  return page ? `${base(config)}/status/${encodeURIComponent(page.slug)}` : null;
}

export function dashboardLink(config: Config, incidentId: string | null): string {
  return incidentId === null
    ? `${base(config)}/`
    : `${base(config)}/incidents/${encodeURIComponent(incidentId)}`;
}

/** GET shows a confirmation page; POST acknowledges (so link previews never acknowledge). */
export function ackLink(config: Config, incidentId: string, secret: AckSecret, expiresAt: number): string {
  return `${base(config)}/ack/${signAckToken(incidentId, expiresAt, secret)}`;
}
