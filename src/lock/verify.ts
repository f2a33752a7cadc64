/**
 * Taking a lock (probe each URL, keep its tool surface) and verifying one (probe again, compare).
 * Exit codes for CI: 0 compatible, 1 a breaking change, 2 could not check. A breaking change found on
 * one server outranks another server that could not be checked: it is a certain answer.
 */
import { probeDetailed, type FullProbeOptions } from '../probe/index.js';
import type { Failure, ProbeOutcome } from '../probe/types.js';
import { compareSurfaces, type BreakingKind, type Finding, type NoteKind } from './compat.js';
import { LOCK_VERSION, lockedServer, type LockFile } from './lock-file.js';

export type ProbeFn = (url: string, opts: FullProbeOptions) => Promise<ProbeOutcome>;

export type VerifyStatus = 'compatible' | 'breaking' | 'unchecked';

export interface ServerVerdict {
  url: string;
  status: VerifyStatus;
  /** The server's version in the lock and now (a release may explain the changes). */
  serverVersion?: { locked: string | null; current: string | null };
  breaking: Finding<BreakingKind>[];
  notes: Finding<NoteKind>[];
  /** Why it could not be checked. */
  error?: Pick<Failure, 'layer' | 'code' | 'message'>;
}

export interface VerifyReport {
  status: VerifyStatus;
  exitCode: 0 | 1 | 2;
  servers: ServerVerdict[];
}

const probeSurface = (url: string, opts: FullProbeOptions, probe: ProbeFn) =>
  probe(url, { ...opts, keepToolDefinitions: true });

const failureOf = (f: Failure) => ({ layer: f.layer, code: f.code, message: f.message });

/** Probes every URL at once; the lock holds those that answered, `failed` the others. */
export async function takeLock(
  urls: readonly string[],
  opts: FullProbeOptions,
  now: () => number = Date.now,
  probe: ProbeFn = probeDetailed,
): Promise<{ lock: LockFile; failed: { url: string; error: ServerVerdict['error'] }[] }> {
  const outcomes = await Promise.all(urls.map((url) => probeSurface(url, opts, probe)));
  const lock: LockFile = {
    lockfileVersion: LOCK_VERSION,
    createdAt: new Date(now()).toISOString(),
    servers: [],
  };
  const failed: { url: string; error: ServerVerdict['error'] }[] = [];
  for (const o of outcomes) {
    if (o.result.failure) failed.push({ url: o.result.url, error: failureOf(o.result.failure) });
    else lock.servers.push(lockedServer(o));
  }
  return { lock, failed };
}

export async function verifyLock(
  lock: LockFile,
  opts: FullProbeOptions,
  probe: ProbeFn = probeDetailed,
): Promise<VerifyReport> {
  const servers = await Promise.all(
    lock.servers.map(async (locked): Promise<ServerVerdict> => {
      const outcome = await probeSurface(locked.url, opts, probe);
      const r = outcome.result;
      if (r.failure)
        return { url: locked.url, status: 'unchecked', breaking: [], notes: [], error: failureOf(r.failure) };
      const current = lockedServer(outcome);
      const { breaking, notes } =
        current.fingerprint !== null && current.fingerprint === locked.fingerprint
          ? { breaking: [], notes: [] }
          : compareSurfaces(locked.tools, current.tools);
      return {
        url: locked.url,
        status: breaking.length > 0 ? 'breaking' : 'compatible',
        serverVersion: { locked: locked.server?.version ?? null, current: current.server?.version ?? null },
        breaking,
        notes,
      };
    }),
  );
  const status: VerifyStatus = servers.some((s) => s.status === 'breaking')
    ? 'breaking'
    : servers.some((s) => s.status === 'unchecked')
      ? 'unchecked'
      : 'compatible';
  return { status, exitCode: status === 'breaking' ? 1 : status === 'unchecked' ? 2 : 0, servers };
}
