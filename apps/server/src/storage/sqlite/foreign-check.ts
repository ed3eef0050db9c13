/**
 * Before the store opens (and switches the file to WAL), look at an existing
 * database file read-only: one some other program wrote is refused with
 * nothing changed, not even its journal mode.
 */
import { existsSync } from 'node:fs';
import Database, { SqliteError } from 'better-sqlite3';
import { refuseForeignDatabase } from './migrations.ts';

/**
 * Throws when `file` holds another program's tables; otherwise returns and
 * leaves any other problem (not a database, unreadable) to the real open.
 *
 * @example
 * refuseForeignFile(join(dataDir, SQLITE_FILE_NAME));
 */
export function refuseForeignFile(file: string): void {
  if (!existsSync(file)) return;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    return;
  }
  try {
    refuseForeignDatabase(db);
  } catch (error) {
    if (!(error instanceof SqliteError)) throw error;
  } finally {
    db.close();
  }
}
