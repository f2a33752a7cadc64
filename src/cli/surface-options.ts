/** The probe options `lock` and `verify` share: request headers and the deadline of each probe. */
import type { Command } from 'commander';
import { parseDuration } from '../util/duration.js';
import { UsageError } from './io.js';
import { header } from './probe-command.js';

export interface SurfaceFlags {
  header: Record<string, string>;
  timeout: string;
  json?: boolean;
}

export function withSurfaceOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print the result as JSON (the only thing on stdout)')
    .option(
      '-H, --header <name:value>',
      'add a request header to every probe (repeatable), e.g. "Authorization: Bearer …"',
      header,
      {},
    )
    .option('--timeout <duration>', 'deadline of each probe: 10s, 500ms, 2m', '10s');
}

export function probeOptions(o: SurfaceFlags): { headers: Record<string, string>; timeoutMs: number } {
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(o.timeout);
  } catch (err) {
    throw new UsageError(`--timeout: ${(err as Error).message}`);
  }
  if (timeoutMs <= 0) throw new UsageError('--timeout must be more than 0');
  return { headers: o.header, timeoutMs };
}
