/**
 * Which store errors are worth retrying: the connection to the database failed (refused, reset,
 * timed out, closed by the server, too many connections, the server starting up or shutting down),
 * not the statement. And the one case where a retry could write twice: a COMMIT whose answer was lost
 * with the connection, which the backend can check afterwards (CommitInDoubtError).
 */

/** Socket-level errno codes of a lost or unreachable database connection. */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
]);

/**
 * SQLSTATEs that say "try again": class 08 (connection exception), 53300 too_many_connections,
 * 57P01–57P03 (admin/crash shutdown, cannot connect now), 40001/40P01 (serialization failure,
 * deadlock: the transaction was rolled back whole).
 */
const RETRY_SQLSTATES = /^(08...|53300|57P0[123]|40001|40P01)$/;

/** What node-postgres says when it loses a connection or cannot get one in time. */
const PG_CONNECTION_MESSAGES =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|connection timeout|Connection ended|server closed the connection/i;

/** True when `err` means the database could not be reached or dropped the connection. */
export function isTransientStoreError(err: unknown): boolean {
  if (err instanceof CommitInDoubtError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NET_CODES.has(code) || RETRY_SQLSTATES.test(code))) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isTransientStoreError(e))) return true;
  return PG_CONNECTION_MESSAGES.test(err.message);
}

/**
 * The connection was lost while COMMIT was on its way: the transaction may have been committed or
 * not. `committed()` asks the database once it answers again (true: it was, do not write it again;
 * false: it was not, write it again); it throws while the database is still unreachable.
 */
export class CommitInDoubtError extends Error {
  override name = 'CommitInDoubtError';
  constructor(
    cause: Error,
    readonly committed: () => Promise<boolean>,
  ) {
    super(`the connection was lost during COMMIT: ${cause.message}`, { cause });
  }
}
