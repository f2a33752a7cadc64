/**
 * A pg Pool set up for mcpwatch: BIGINT columns read back as numbers (epoch ms and ids fit in 2^53),
 * transactions as a callback, and connection strings with their password hidden for messages.
 */
import pg from 'pg';
import { CommitInDoubtError, isTransientStoreError } from '../transient.js';

export type Queryable = Pick<pg.PoolClient, 'query'>;

const INT8 = 20;

/** BIGINT (epoch ms, ids, counts) as JS numbers: every value mcpwatch stores is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** How long opening a connection may take before the store reports PostgreSQL unreachable. */
export const CONNECT_TIMEOUT_MS = 5_000;

export function createPool(connectionString: string, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: 'mcpwatch',
  });
  // An idle client whose server went away emits 'error' on the pool; the next query reports it.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `fn` in a transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it throws.
 * When the connection is lost while COMMIT is on its way, throws CommitInDoubtError, which can ask
 * the database later (txid_status) whether that transaction was committed, so a retry never writes
 * it twice.
 */
export async function transaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client whose connection drops emits 'error' (besides failing its query): without a
  // listener that would crash the process. The failed query reports it.
  const onError = (err: Error) => void (broken ??= err);
  client.on('error', onError);
  let xid: string | undefined;
  try {
    const begun = (await client.query('BEGIN; SELECT txid_current()::text AS xid')) as unknown as [
      pg.QueryResult,
      pg.QueryResult<{ xid: string }>,
    ];
    xid = begun[1].rows[0]!.xid;
    const out = await fn(client);
    try {
      await client.query('COMMIT');
    } catch (err) {
      if (!isTransientStoreError(err) || (err as { code?: string }).code?.startsWith('40')) throw err;
      broken = err as Error;
      const id = xid;
      throw new CommitInDoubtError(err as Error, () => commitStatus(pool, id));
    }
    return out;
  } catch (err) {
    if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Whether transaction `xid` committed; throws while that is not known yet (or PostgreSQL is away). */
async function commitStatus(pool: pg.Pool, xid: string): Promise<boolean> {
  const r = await pool.query<{ s: string | null }>('SELECT txid_status($1::bigint) AS s', [xid]);
  const s = r.rows[0]?.s ?? null;
  if (s === 'committed') return true;
  if (s !== 'in progress') return false; // 'aborted' (null: too old to know, never for seconds-old ones)
  // The backend has not noticed yet that its client is gone: ask again later.
  throw Object.assign(new Error(`transaction ${xid} is still in progress`), { code: '08000' });
}

/** The connection string without its password, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]*):[^@]*@/, '://$1:***@');
  }
}

/** JSON text of a value; throws on values JSON cannot hold (so a transaction rolls back). */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  return text;
}
