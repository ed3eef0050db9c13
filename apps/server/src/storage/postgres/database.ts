/**
 * Pool, type parsing, transactions and driver-error mapping for the
 * PostgreSQL store.
 */
import pg from 'pg';
import { StorageError } from '../errors.ts';

const INT8_OID = 20;

// Per-pool type parsing (never the global pg.types): int8 columns hold
// times, sizes, revisions and sequences, all far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function createPool(databaseUrl: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max, types });
}

export function createClient(databaseUrl: string): pg.Client {
  return new pg.Client({ connectionString: databaseUrl, types });
}

type Queryable = pg.Pool | pg.PoolClient;
export type Db = Queryable;

/** Run a query and return its rows, mapping constraint errors. */
export async function rows<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  return (await query<R>(db, text, values)).rows;
}

export async function query<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  try {
    return await db.query<R>(text, values);
  } catch (error) {
    throw mapError(error);
  }
}

function mapError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  if (error.code === '23503') {
    return new StorageError('not_found', 'a referenced account or vault does not exist');
  }
  if (error.code === '23505') {
    if (error.constraint === 'accounts_username_key') {
      return new StorageError('username_taken', 'username is taken');
    }
    return new StorageError('already_exists', 'a row with this id already exists');
  }
  return error;
}

export type IsolationLevel = 'read committed' | 'repeatable read';

/**
 * Run `fn` in a transaction on one pooled client. A client whose ROLLBACK
 * fails is destroyed rather than returned to the pool.
 */
export async function transaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  isolation: IsolationLevel = 'read committed',
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
    });
    throw mapError(error);
  } finally {
    client.release(broken);
  }
}
