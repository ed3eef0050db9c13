/**
 * One server process per SQLite data directory. A second coffer-server on
 * the same directory would share the database file but not the in-process
 * live notifier, so its clients would miss live events of pushes made
 * through the other, and both would run housekeeping and migrations on the
 * same file. The lock is an exclusive SQLite lock (fcntl) on a small file of
 * its own, held by an open transaction for as long as the server runs: the
 * operating system releases it when the process ends, also on a crash or
 * SIGKILL, so a stale lock cannot keep a restarted server out (a PID file
 * could, when the old PID now names another process).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor, { type Database, SqliteError } from 'better-sqlite3';
import { fsReason } from '../../fs-reason.ts';

/** The lock file inside the data directory. */
export const LOCK_FILE_NAME = 'server.lock';

/** Thrown when another process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string) {
    super(
      `another coffer-server is already using the data directory ${dataDir} ` +
        '(one server process per SQLite data directory; stop the other one first, ' +
        'or use --database-url to run several instances on PostgreSQL)',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

/**
 * Take the data directory's lock, or throw {@link DataDirLockedError}.
 *
 * @example
 * const lock = lockDataDir('/var/lib/coffer');
 * try { ... } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string): DataDirLock {
  try {
    // SQLite says only "unable to open database file" when it cannot create
    // the lock file: ask the file system first, for the reason in words.
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new Error(
      `data directory ${dataDir}: cannot take the lock file ${LOCK_FILE_NAME}: ${fsReason(error)} (the server writes its database, lock and TLS files there)`,
    );
  }
  let db: Database | undefined;
  try {
    // timeout 0: a held lock is an answer now, not something to wait for.
    db = new DatabaseConstructor(join(dataDir, LOCK_FILE_NAME), { timeout: 0 });
    db.exec('CREATE TABLE IF NOT EXISTS lock (x INTEGER)');
    // Never committed: the open transaction is the lock.
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db?.close();
    if (error instanceof SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code)) {
      throw new DataDirLockedError(dataDir);
    }
    // e.g. a read-only directory: SQLite's own words, with the file named.
    throw new Error(
      `data directory ${dataDir}: cannot take the lock file ${LOCK_FILE_NAME} (${(error as Error).message})`,
    );
  }
  const held = db;
  return {
    release() {
      if (held.open) held.close();
    },
  };
}
