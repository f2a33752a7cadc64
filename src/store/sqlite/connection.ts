/**
 * One better-sqlite3 connection set up for mcpwatch (WAL, synchronous=NORMAL, busy_timeout), with a
 * cache of prepared statements keyed by their SQL text.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Row = Record<string, unknown>;

/** How long a connection waits for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

export class Connection {
  readonly db: Database.Database;
  private readonly cache = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(path: string) {
    if (path !== ':memory:' && path !== '' && !path.startsWith('file:')) {
      mkdirSync(dirname(path), { recursive: true });
    }
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    // WAL: readers (e.g. `mcpwatch status`) never block the writer and see committed data.
    // synchronous=NORMAL in WAL: a committed transaction survives a crash of the process.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('temp_store = MEMORY');
  }

  /** The prepared statement for `sql`, prepared once per connection. */
  stmt<R = Row>(sql: string): Database.Statement<unknown[], R> {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, s);
    }
    return s as Database.Statement<unknown[], R>;
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (takes the write lock up front: no upgrade deadlocks). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }
}

/** JSON text of a value; throws on values JSON cannot hold (so a transaction rolls back). */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  return text;
}

export function fromJson<T>(text: unknown): T {
  return JSON.parse(String(text)) as T;
}
