/**
 * A pg Pool set up for mcpwatch: BIGINT columns read back as numbers (epoch ms and ids fit in 2^53),
 * transactions as a callback, and connection strings with their password hidden for messages.
 */
import pg from 'pg';

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

/** Runs `fn` in a transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it throws. */
export async function transaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
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
