/** The facts of a presented certificate chain, and the classification of why it did not verify. */
import type { PeerCertificate, DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ErrorCode, TlsFacts } from './types.js';

const DAY_MS = 86_400_000;

function name(part: PeerCertificate['subject'] | undefined): string | undefined {
  if (!part) return undefined;
  const p = part as unknown as Record<string, string | string[] | undefined>;
  const pick = (k: string) =>
    Array.isArray(p[k]) ? (p[k] as string[]).join('+') : (p[k] as string | undefined);
  return pick('CN') ?? pick('O') ?? Object.values(p).flat().filter(Boolean).join(', ');
}

function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.raw && !chain.includes(c) && chain.length < 10) {
    chain.push(c);
    c = c.issuerCertificate === c ? undefined : c.issuerCertificate;
  }
  return chain;
}

/** `peer` is the chain already read for the hostname check, when there was one. */
export function tlsFacts(socket: TLSSocket, now: number, peer?: DetailedPeerCertificate): TlsFacts | null {
  const leaf = peer ?? socket.getPeerCertificate(true);
  if (!leaf || !leaf.valid_to) return null;
  const chain = chainOf(leaf);
  const validTo = Math.min(...chain.map((c) => Date.parse(c.valid_to)).filter(Number.isFinite));
  const validFrom = Date.parse(leaf.valid_from);
  const err = socket.authorizationError as unknown as Error | string | null;
  return {
    validFrom: new Date(validFrom).toISOString(),
    validTo: new Date(validTo).toISOString(),
    daysRemaining: Math.round(((validTo - now) / DAY_MS) * 100) / 100,
    subject: name(leaf.subject),
    issuer: name(leaf.issuer),
    altNames: (leaf.subjectaltname ?? '')
      .split(/,\s*/)
      .filter(Boolean)
      .map((s) => s.replace(/^(DNS|IP Address):/, '')),
    protocol: socket.getProtocol() ?? undefined,
    authorized: socket.authorized,
    error: socket.authorized ? null : typeof err === 'string' ? err : (err?.message ?? 'not verified'),
  };
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** Maps OpenSSL/Node verification error codes to the contract's codes and a plain sentence. */
export function classifyVerifyError(
  code: string,
  facts: TlsFacts | null,
): { code: ErrorCode; message: string } {
  if (code === 'CERT_HAS_EXPIRED')
    return {
      code: 'tls_cert_expired',
      message: `TLS certificate expired on ${facts?.validTo ?? 'an earlier date'}`,
    };
  if (code === 'CERT_NOT_YET_VALID')
    return {
      code: 'tls_cert_not_yet_valid',
      message: `TLS certificate is not valid until ${facts?.validFrom ?? 'a later date'}`,
    };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      code: 'tls_hostname_mismatch',
      message: `TLS certificate does not cover this host (it names ${facts?.altNames?.join(', ') || facts?.subject || 'other hosts'})`,
    };
  if (UNTRUSTED.has(code))
    return {
      code: 'tls_untrusted',
      message: `TLS certificate is not trusted (${code}; issuer ${facts?.issuer ?? 'unknown'})`,
    };
  return { code: 'tls_handshake_failed', message: `TLS certificate did not verify (${code})` };
}
