/**
 * The transport layer: DNS, TCP and TLS done by hand with timings, the connected address checked by the
 * guard and the certificate chain read, then the socket handed to undici for HTTP. Every fault here
 * is a transport ProbeFault.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  type DetailedPeerCertificate,
  rootCertificates,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type { buildConnector } from 'undici';
import { isBlockedAddress } from './address-guard.js';
import { isTimeout, raceAbort } from './deadline.js';
import { fault, ProbeFault } from './fault.js';
import { classifyVerifyError, tlsFacts } from './tls-facts.js';
import type { TlsFacts } from './types.js';

export type Lookup = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface ConnectionFacts {
  dnsMs: number;
  connectMs: number;
  tlsMs: number | null;
  address: string;
  tls: TlsFacts | null;
  /** performance.now() when the socket was ready for HTTP. */
  readyAt: number;
}

export interface ConnectorOptions {
  signal: AbortSignal;
  lookup?: Lookup;
  ca?: string | Buffer;
  blockPrivateAddresses?: boolean;
  now: () => number;
}

const defaultLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })) as { address: string; family: 4 | 6 }[];

const noop = () => {};
const ms = (from: number) => Math.round((performance.now() - from) * 100) / 100;

/** Builds the undici connector for one probe; `first` holds the facts of the first connection made. */
export function createConnector(opts: ConnectorOptions) {
  /** `phase` is the connect step under way, so a deadline that fires mid-connect is classified right. */
  const state: { first: ConnectionFacts | null; phase: 'dns' | 'tcp' | 'tls' | null } = {
    first: null,
    phase: null,
  };
  const secureContext = opts.ca ? contextFor(opts.ca.toString()) : undefined;

  async function open(hostname: string, port: number, secure: boolean, servername?: string): Promise<Socket> {
    const host = hostname.replace(/^\[|\]$/g, '');
    let t = performance.now();
    state.phase = 'dns';
    let addresses: { address: string; family: 4 | 6 }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
    else {
      try {
        addresses = await raceAbort((opts.lookup ?? defaultLookup)(host), opts.signal);
      } catch (err) {
        if (isTimeout(err, opts.signal))
          throw fault('transport', 'dns_failed', `DNS lookup of ${host} did not answer in time`);
        const code = (err as { code?: string }).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME')
          throw fault('transport', 'dns_not_found', `DNS has no address for ${host} (${code})`);
        throw fault(
          'transport',
          'dns_failed',
          `DNS lookup of ${host} failed (${code ?? (err as Error).message})`,
        );
      }
      if (addresses.length === 0) throw fault('transport', 'dns_not_found', `DNS has no address for ${host}`);
    }
    const dnsMs = ms(t);
    const guard = (address: string) => {
      if (opts.blockPrivateAddresses && isBlockedAddress(address))
        throw fault(
          'transport',
          'blocked_address',
          `${host} resolves to ${address}, a private or reserved address that this monitor may not reach`,
        );
    };

    t = performance.now();
    state.phase = 'tcp';
    let socket: Socket | null = null;
    let lastErr: unknown = null;
    for (const { address } of addresses) {
      guard(address);
      try {
        socket = await tcp(address, port, opts.signal);
        break;
      } catch (err) {
        lastErr = err;
        if (isTimeout(err, opts.signal)) break;
      }
    }
    if (!socket) throw tcpFault(lastErr, host, port, opts.signal);
    const connectMs = ms(t);
    const address = socket.remoteAddress ?? addresses[0]!.address;
    try {
      guard(address);
    } catch (err) {
      socket.destroy();
      throw err;
    }

    let tlsMs: number | null = null;
    let facts: TlsFacts | null = null;
    if (secure) {
      t = performance.now();
      state.phase = 'tls';
      const { tlsSocket, cert } = await handshake(
        socket,
        servername ?? (isIP(host) ? undefined : host),
        host,
        secureContext,
        opts.signal,
      );
      tlsMs = ms(t);
      facts = tlsFacts(tlsSocket, opts.now(), cert);
      if (!tlsSocket.authorized) {
        tlsSocket.destroy();
        const code = String(
          (tlsSocket.authorizationError as unknown as { code?: string })?.code ??
            tlsSocket.authorizationError,
        );
        const c = classifyVerifyError(code, facts);
        state.first ??= { dnsMs, connectMs, tlsMs, address, tls: facts, readyAt: performance.now() };
        throw fault('transport', c.code, c.message);
      }
      socket = tlsSocket;
    }
    state.first ??= { dnsMs, connectMs, tlsMs, address, tls: facts, readyAt: performance.now() };
    return socket;
  }

  const connect: buildConnector.connector = (o, callback) => {
    const secure = o.protocol === 'https:';
    const port = Number(o.port) || (secure ? 443 : 80);
    open(o.hostname, port, secure, o.servername ?? undefined).then(
      (s) => {
        state.phase = null;
        callback(null, s);
      },
      (err: unknown) => {
        state.phase = null;
        callback(err as Error, null);
      },
    );
  };

  return { connect, state };
}

function tcp(address: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.on('error', noop); // undici attaches its own; this one only keeps a late error from crashing us
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    });
  });
}

function tcpFault(err: unknown, host: string, port: number, signal: AbortSignal): ProbeFault {
  if (err instanceof ProbeFault) return err;
  if (isTimeout(err, signal))
    return fault('transport', 'connect_timeout', `TCP connect to ${host}:${port} did not complete in time`);
  const code = (err as { code?: string })?.code ?? 'ERROR';
  if (code === 'ECONNREFUSED')
    return fault(
      'transport',
      'connect_refused',
      `${host}:${port} refused the TCP connection (nothing listening)`,
    );
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return fault('transport', 'connection_reset', `${host}:${port} reset the connection while connecting`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return fault('transport', 'connect_timeout', `${host}:${port} is unreachable (${code})`);
  return fault('transport', 'connect_refused', `TCP connect to ${host}:${port} failed (${code})`);
}

function handshake(
  socket: Socket,
  servername: string | undefined,
  host: string,
  secureContext: SecureContext | undefined,
  signal: AbortSignal,
): Promise<{ tlsSocket: TLSSocket; cert: DetailedPeerCertificate | undefined }> {
  return new Promise((resolve, reject) => {
    // Node reads the whole chain (getPeerCertificate(true), costly) for its hostname check; keep that
    // copy for tls-facts instead of reading it a second time. Not called when the chain did not verify.
    let cert: DetailedPeerCertificate | undefined;
    const tlsSocket = tlsConnect({
      socket,
      servername,
      host,
      secureContext,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      checkServerIdentity: (hostname, peer) => {
        cert = peer as DetailedPeerCertificate;
        return checkServerIdentity(hostname, peer);
      },
    });
    const onAbort = () => {
      tlsSocket.destroy();
      reject(fault('transport', 'tls_timeout', `TLS handshake with ${host} did not complete in time`));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    tlsSocket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      tlsSocket.removeAllListeners('error');
      tlsSocket.on('error', noop);
      resolve({ tlsSocket, cert });
    });
    tlsSocket.once('error', (err: Error & { code?: string }) => {
      signal.removeEventListener('abort', onAbort);
      tlsSocket.destroy();
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
        reject(
          fault('transport', 'connection_reset', `${host} reset the connection during the TLS handshake`),
        );
      else
        reject(
          fault(
            'transport',
            'tls_handshake_failed',
            `TLS handshake with ${host} failed (${err.code ?? err.message})`,
          ),
        );
    });
  });
}

/**
 * A TLS context trusting the system roots plus `ca`. Built once per distinct CA: parsing ~150 root
 * certificates for every connection would cost milliseconds of CPU and megabytes per probe.
 */
const contexts = new Map<string, SecureContext>();
function contextFor(ca: string): SecureContext {
  let ctx = contexts.get(ca);
  if (!ctx) {
    if (contexts.size >= 64) contexts.delete(contexts.keys().next().value as string);
    ctx = createSecureContext({ ca: [...rootCertificates, ca] });
    contexts.set(ca, ctx);
  }
  return ctx;
}
