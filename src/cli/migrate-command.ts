/**
 * `mcpwatch migrate --from sqlite:PATH --to postgres:URL`: copies a whole store (either direction,
 * or SQLite to SQLite) and verifies it. Exit 0 copied and verified, 1 verification failed, 2 bad
 * arguments, a store that cannot be opened, or a target that is not empty (without --force).
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { storeCopy } from '../store/copy.js';
import { copyStore, countAll, DEFAULT_BATCH, type TableReport } from '../store/migrate-store.js';
import { openStore, StoreUnavailableError } from '../store/open.js';
import { redactUrl } from '../store/postgres/connection.js';
import type { Config } from '../config/types.js';
import type { Store } from '../store/store.js';
import { UsageError, type Io } from './io.js';
import { table } from './table.js';

/** `sqlite:PATH`, `postgres:URL` or a bare postgres:// URL. */
export function parseStoreSpec(spec: string, flag: string): Config['storage'] {
  if (spec.startsWith('sqlite:') && spec.length > 'sqlite:'.length) return { sqlite: spec.slice(7) };
  if (spec.startsWith('postgres:') && /^postgres(ql)?:\/\//.test(spec.slice(9)))
    return { postgres: spec.slice(9) };
  if (/^postgres(ql)?:\/\//.test(spec)) return { postgres: spec };
  throw new UsageError(
    `${flag} takes sqlite:PATH or postgres:postgres://user@host/db, not "${spec.replace(/:\/\/([^:/@]*):[^@]*@/, '://$1:***@')}"`,
  );
}

const describeSpec = (s: Config['storage']) =>
  'sqlite' in s ? `sqlite:${s.sqlite}` : `postgres:${redactUrl(s.postgres)}`;

async function open(s: Config['storage'], role: string): Promise<Store> {
  try {
    return await openStore(s);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new UsageError(`${role}: ${err.message}`);
    throw err;
  }
}

export function migrateCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('migrate')
    .description('copy a whole store into another (SQLite ⇄ PostgreSQL) and verify the copy')
    .requiredOption('--from <store>', 'the store to copy: sqlite:PATH or postgres:URL')
    .requiredOption('--to <store>', 'the store to fill: sqlite:PATH or postgres:URL (created/migrated)')
    .option('--force', 'empty a target that already holds data first (its rows are deleted)')
    .option('--batch <rows>', 'rows per batch read and written', String(DEFAULT_BATCH))
    .option('--json', 'print the per-table report as JSON')
    .addHelpText(
      'after',
      `
Stop \`mcpwatch serve\` on the source first: rows written during the copy make the check fail.
Copies every table (results with their ids, rollups, tool surfaces, incidents with their timelines,
warnings, the alert outbox, engine state, settings and API tokens), then compares per table the
source's row count, the rows copied, the target's row count and a checksum of every row's content.

Exit codes: 0 copied and verified; 1 the check failed; 2 bad arguments, a store that cannot be
opened, or a target that is not empty (without --force).

Examples:
  mcpwatch migrate --from sqlite:./data/mcpwatch.db --to postgres:postgres://mcpwatch@db/mcpwatch
  mcpwatch migrate --from postgres:"$DATABASE_URL" --to sqlite:./backup.db --json`,
    )
    .action(async (o: { from: string; to: string; force?: boolean; batch: string; json?: boolean }) => {
      const from = parseStoreSpec(o.from, '--from');
      const to = parseStoreSpec(o.to, '--to');
      const batch = Number(o.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
        throw new UsageError(`--batch takes a number of rows from 1 to 10000, not "${o.batch}"`);
      if (canonical(from) === canonical(to)) throw new UsageError('--from and --to name the same store');
      if ('sqlite' in from && !existsSync(from.sqlite))
        throw new UsageError(`--from: there is no SQLite file at ${from.sqlite}`);
      const source = await open(from, '--from');
      let target: Store | null = null;
      try {
        target = await open(to, '--to');
        const src = storeCopy(source);
        const dst = storeCopy(target);
        const held = Object.entries(await countAll(dst)).filter(([, n]) => n > 0);
        if (held.length > 0) {
          const what = held.map(([t, n]) => `${t} ${n}`).join(', ');
          if (!o.force)
            throw new UsageError(
              `--to ${describeSpec(to)} is not empty (${what}); choose an empty one, or add --force to delete what it holds first`,
            );
          io.err(`emptying ${describeSpec(to)} first (--force): ${what}`);
          await dst.clear();
        }
        io.err(`copying ${describeSpec(from)} → ${describeSpec(to)} in batches of ${batch} rows`);
        const reports = await copyStore(src, dst, {
          batch,
          onCopied: (t, n) => io.err(`  ${t}: ${n} rows copied`),
        });
        const ok = reports.every((r) => r.ok);
        io.out(o.json ? JSON.stringify({ ok, tables: reports }, null, 2) : render(reports, ok));
        setExit(ok ? 0 : 1);
      } finally {
        await source.close();
        await target?.close();
      }
    });
}

function canonical(s: Config['storage']): string {
  return 'sqlite' in s ? `sqlite:${s.sqlite}` : `postgres:${s.postgres}`;
}

function render(reports: TableReport[], ok: boolean): string {
  const rows = reports.map((r) => [
    r.table,
    String(r.source),
    String(r.copied),
    String(r.target),
    r.sourceChecksum === r.targetChecksum ? 'match' : 'DIFFERS',
    r.ok ? 'ok' : 'FAILED',
  ]);
  const total = reports.reduce((n, r) => n + r.copied, 0);
  return [
    table(['table', 'source', 'copied', 'target', 'checksum', 'verified'], rows),
    '',
    ok
      ? `verified: ${total} rows in ${reports.length} tables, counts and checksums match`
      : `verification FAILED for ${reports
          .filter((r) => !r.ok)
          .map((r) => r.table)
          .join(', ')}`,
  ].join('\n');
}
