/**
 * `coffer-server backup`: a consistent copy of a SQLite data directory,
 * taken while the server runs. A plain file copy of a live WAL database can
 * tear (the main file and the `-wal` are written at different moments), and
 * a copy of the database alone loses what clients depend on: the TLS
 * certificate they pinned and the server secret that keeps prelogin answers
 * for unknown usernames stable. The backup is itself a data directory, so a
 * restore is starting the server on it (or moving it into place).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { fsReason } from './fs-reason.ts';
import { SQLITE_FILE_NAME } from './storage/sqlite/sqlite-store.ts';
import { tlsPaths } from './tls/load-tls.ts';

export interface BackupResult {
  /** The new data directory. */
  to: string;
  /** Size of the copied database. */
  databaseBytes: number;
  /** Schema version of the copy (what server version can open it). */
  schemaVersion: number;
  /** Other files copied, relative to the directory. */
  files: string[];
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The secret and the certificate clients pinned: without them a restore looks like another server. */
function sideFiles(dataDir: string): string[] {
  const tls = tlsPaths(dataDir);
  return [join(dataDir, 'server-secret'), tls.cert, tls.key, tls.fingerprint]
    .filter((path) => existsSync(path))
    .map((path) => path.slice(dataDir.length + 1));
}

/**
 * Copy the database (one read transaction: `VACUUM INTO`, a consistent
 * snapshot that waits for no writer and blocks none), the server secret and
 * the TLS material into `to`, a directory that must not exist yet. The copy
 * is assembled under a temporary name and renamed into place once complete
 * and fsynced, so a crash or a full disk never leaves something that looks
 * like a finished backup.
 *
 * @example
 * const result = backupDataDir('/srv/coffer', '/backups/coffer-2026-11-29');
 * // restore: coffer-server --data-dir /backups/coffer-2026-11-29
 */
export function backupDataDir(dataDirArg: string, toArg: string): BackupResult {
  const dataDir = resolve(dataDirArg);
  const to = resolve(toArg);
  const source = join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(source)) {
    throw new Error(
      `no SQLite database at ${source} (a PostgreSQL server is backed up with pg_dump)`,
    );
  }
  if (to === dataDir || to.startsWith(`${dataDir}/`)) {
    throw new Error(`--to ${to} is inside the data directory; choose a directory outside it`);
  }
  if (existsSync(to)) {
    throw new Error(`--to ${to} already exists; a backup never overwrites: name a new directory`);
  }
  const staging = join(dirname(to), `.${basename(to)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(staging, { mode: 0o700 });
  } catch (error) {
    throw new Error(`cannot create ${staging}: ${fsReason(error)}`);
  }
  try {
    const copy = join(staging, SQLITE_FILE_NAME);
    let db: Database.Database;
    try {
      // Read-only: the backup never writes to the live database.
      db = new Database(source, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new Error(`database ${source}: ${fsReason(error)}`);
    }
    let schemaVersion: number;
    try {
      // Waits for a writer's lock instead of failing at once.
      db.pragma('busy_timeout = 10000');
      schemaVersion = Number(
        db.prepare('SELECT max(version) FROM schema_version').pluck().get() ?? 0,
      );
      db.prepare('VACUUM INTO ?').run(copy);
    } catch (error) {
      throw new Error(`database ${source}: ${fsReason(error)}`);
    } finally {
      db.close();
    }
    syncPath(copy);
    const files = sideFiles(dataDir);
    for (const file of files) {
      mkdirSync(dirname(join(staging, file)), { recursive: true, mode: 0o700 });
      // Same modes as the originals: key.pem and server-secret are 0600.
      copyFileSync(join(dataDir, file), join(staging, file));
      syncPath(join(staging, file));
    }
    for (const dir of new Set(files.map((f) => dirname(join(staging, f))))) syncPath(dir);
    syncPath(staging);
    renameSync(staging, to);
    syncPath(dirname(to));
    return { to, databaseBytes: statSync(join(to, SQLITE_FILE_NAME)).size, schemaVersion, files };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
