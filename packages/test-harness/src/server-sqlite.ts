/** Direct access to a test server's SQLite store: what an operator with the files can do. */
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Open `DATA_DIR/coffer.sqlite3`, run `use`, close it. For tests that play a
 * malicious or crashed server (tampered blobs, swapped envelopes, purges no
 * route triggers).
 *
 * @example
 * const rows = withServerSqlite(server.dataDir, (db) => db.prepare('SELECT * FROM vaults').all());
 */
export function withServerSqlite<T>(dataDir: string, use: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'coffer.sqlite3'));
  try {
    return use(db);
  } finally {
    db.close();
  }
}
