/** `mcpwatch verify`: probe the locked servers again; 0 compatible, 1 breaking, 2 could not check. */
import { Command } from 'commander';
import { DEFAULT_LOCK_FILE, LockFileError, readLock } from '../lock/lock-file.js';
import { verifyLock, type ServerVerdict, type VerifyReport } from '../lock/verify.js';
import type { Io } from './io.js';
import { probeOptions, withSurfaceOptions, type SurfaceFlags } from './surface-options.js';

export function verifyCommand(io: Io, setExit: (code: number) => void): Command {
  return withSurfaceOptions(
    new Command('verify')
      .description('probe the servers of a lock file again and say whether their tools are still compatible')
      .option('--lock <file>', 'the lock file written by `mcpwatch lock`', DEFAULT_LOCK_FILE),
  )
    .addHelpText(
      'after',
      `
Compatible (exit 0): new tools, new optional parameters, new descriptions (listed as notes).
Breaking (exit 1): a tool removed, a required parameter added, a parameter removed or its type changed.
Could not check (exit 2): a server down, a missing or bad lock file, bad usage.

Examples:
  mcpwatch verify
  mcpwatch verify --lock mcp.lock.json -H "Authorization: Bearer $TOKEN" --json`,
    )
    .action(async (o: SurfaceFlags & { lock: string }) => {
      const opts = probeOptions(o);
      let report: VerifyReport;
      try {
        report = await verifyLock(readLock(o.lock), opts);
      } catch (err) {
        if (!(err instanceof LockFileError)) throw err;
        if (o.json)
          io.out(
            JSON.stringify(
              { lock: o.lock, status: 'unchecked', exitCode: 2, error: err.message, servers: [] },
              null,
              2,
            ),
          );
        else io.err(`mcpwatch: ${err.message}`);
        return setExit(2);
      }
      io.out(o.json ? JSON.stringify({ lock: o.lock, ...report }, null, 2) : render(o.lock, report));
      setExit(report.exitCode);
    });
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function render(file: string, report: VerifyReport): string {
  const lines = [`${file}: ${plural(report.servers.length, 'server')}`];
  for (const s of report.servers) lines.push(...renderServer(s));
  const count = (status: ServerVerdict['status']) => report.servers.filter((s) => s.status === status).length;
  const breaking = report.servers.reduce((n, s) => n + s.breaking.length, 0);
  const unchecked = count('unchecked');
  const summary =
    report.status === 'breaking'
      ? `breaking: ${plural(breaking, 'change')} on ${plural(count('breaking'), 'server')}`
      : report.status === 'unchecked'
        ? 'could not check'
        : 'compatible';
  lines.push(
    '',
    report.status === 'breaking' && unchecked > 0
      ? `${summary} (and ${plural(unchecked, 'server')} could not be checked)`
      : summary,
  );
  return lines.join('\n');
}

function renderServer(s: ServerVerdict): string[] {
  if (s.status === 'unchecked')
    return [`  ${s.url}: could not check: ${s.error!.layer}/${s.error!.code}: ${s.error!.message}`];
  const v = s.serverVersion;
  const version = v && v.locked !== v.current ? ` (server ${v.locked ?? '?'} → ${v.current ?? '?'})` : '';
  const counts =
    s.breaking.length + s.notes.length === 0
      ? 'no changes'
      : [
          s.breaking.length ? plural(s.breaking.length, 'breaking change') : '',
          s.notes.length ? plural(s.notes.length, 'note') : '',
        ]
          .filter(Boolean)
          .join(', ');
  return [
    `  ${s.url}: ${s.status}, ${counts}${version}`,
    ...s.breaking.map((f) => `    ✗ ${f.message}`),
    ...s.notes.map((f) => `    · ${f.message}`),
  ];
}
