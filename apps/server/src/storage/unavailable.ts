/**
 * Store failures that are not a fault of the request and pass on their own:
 * the disk (or PostgreSQL's) is full, or PostgreSQL cannot be reached. The
 * HTTP layer answers them 503 `unavailable` with Retry-After, so clients
 * and load balancers retry, instead of 500 `internal error`.
 */
import { SqliteError } from 'better-sqlite3';
import pg from 'pg';

export type StoreTrouble = 'out_of_space' | 'unreachable';

/**
 * SQLSTATE classes: 08 connection exception, 53 insufficient resources
 * (53100 disk full, 53200 out of memory, 53300 too many connections),
 * 57P01-57P03 shutdown / cannot connect now.
 */
const PG_UNREACHABLE = /^(08|53[23]|57P0[1-3])/;

/** pg's own errors when a connection dies have no code, only these words. */
const PG_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|Client was closed)/;

/**
 * What kind of passing store trouble `error` is, or null for anything else.
 *
 * @example
 * if (storeTrouble(error) === 'out_of_space') reply503();
 */
export function storeTrouble(error: unknown): StoreTrouble | null {
  if (error instanceof SqliteError) return error.code === 'SQLITE_FULL' ? 'out_of_space' : null;
  if (error instanceof pg.DatabaseError) {
    if (error.code === '53100') return 'out_of_space';
    return PG_UNREACHABLE.test(error.code ?? '') ? 'unreachable' : null;
  }
  if (!(error instanceof Error)) return null;
  // The server opens no connection but to PostgreSQL: a failed connect is it.
  if ((error as NodeJS.ErrnoException).syscall === 'connect') return 'unreachable';
  return PG_CONNECTION_LOST.test(error.message) ? 'unreachable' : null;
}
