/**
 * `SqliteStore`: the embedded default. One better-sqlite3 connection in WAL
 * mode; by default every commit is fsynced before anything that depends on
 * it is acknowledged or read back, the fsync running off the event loop
 * (wal-sync.ts, docs/durability.md). Every method runs synchronously inside
 * its own transaction and is exposed as async to match the contract. Notifications fan out in-process to every store opened on
 * the same file.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor, { type Database, SqliteError } from 'better-sqlite3';
import type { Store } from '../contract.ts';
import { StorageError } from '../errors.ts';
import { coMembersOf, membersOf } from '../membership-news.ts';
import { LocalNotifier } from '../notifier.ts';
import * as accounts from './accounts.ts';
import * as blobs from './blobs.ts';
import { GroupCommit, type GroupCommitStats } from './group-commit.ts';
import { migrateSqlite } from './migrations.ts';
import * as records from './records.ts';
import * as sessions from './sessions.ts';
import * as vaults from './vaults.ts';
import { type SyncFile, WalSync, type WalSyncStats } from './wal-sync.ts';

export interface SqliteStoreOptions {
  /** Directory holding `coffer.sqlite3` (created if missing). */
  dataDir: string;
  /**
   * `full` (default): an acknowledged write survives power loss, and nothing
   * is read back before it is durable.
   * `normal`: it survives a process crash but the last commits may be lost
   * on power loss or an OS crash; several times faster. See docs/durability.md.
   */
  durability?: 'full' | 'normal';
  /** Tests only: how the WAL is fsynced under `full` (default fdatasync). */
  syncWal?: SyncFile;
}

/** Cache 16 MiB of pages per connection: indexes of random ids are touched all over on every push, and 64 MiB pushed RSS past the 300 MB budget. */
const CACHE_KIB = 16 * 1024;
/** Checkpoint every ~64 MiB of WAL instead of 4 MiB: fewer, larger copies (each one fsyncs twice). */
const WAL_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * Under `full`: the connection commits with `synchronous=NORMAL` and a
 * WalSync fsyncs the WAL file before anything is acknowledged. Returns null
 * (and keeps `synchronous=FULL`) if the WAL file cannot be opened.
 */
function openWalSync(db: Database, file: string, sync: SyncFile | undefined): WalSync | null {
  // A read opens (and if need be creates) the -wal file.
  db.prepare('SELECT count(*) FROM schema_version').get();
  let fd: number;
  try {
    fd = openSync(`${file}-wal`, 'r');
  } catch {
    return null;
  }
  // Migrations just committed under FULL; make the file and its name durable.
  fdatasyncSync(fd);
  try {
    const dir = openSync(join(file, '..'), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the WAL file itself is synced.
  }
  db.pragma('synchronous = NORMAL');
  return new WalSync(fd, sync);
}

export const SQLITE_FILE_NAME = 'coffer.sqlite3';

// Stores opened on the same file in this process share one notifier, so a
// push through one is seen by subscribers of another (as with PostgreSQL).
const notifiers = new Map<string, { notifier: LocalNotifier; users: number }>();

/** Map driver constraint errors to typed storage errors; other errors unchanged. */
function mapError(error: unknown): unknown {
  if (error instanceof SqliteError) {
    if (error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return new StorageError('not_found', 'a referenced account or vault does not exist');
    }
    if (
      error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
      error.code === 'SQLITE_CONSTRAINT_UNIQUE'
    ) {
      return new StorageError('already_exists', 'a row with this id already exists');
    }
  }
  return error;
}

function mapErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw mapError(error);
  }
}

/**
 * Open (creating and migrating as needed) the SQLite store in `dataDir`.
 *
 * @example
 * const store = await openSqliteStore({ dataDir: '/var/lib/coffer' });
 * try { await store.ping() } finally { await store.close() }
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(realpathSync(options.dataDir), SQLITE_FILE_NAME);
  const db = new DatabaseConstructor(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    // Every push runs inside SAVEPOINTs (group commit isolates each one, and
    // an atomic batch rolls back to its own): SQLite copies each page a
    // savepoint modifies into a sub-journal first, and by default spills
    // that journal into a temporary FILE past 64 KiB, so a 100-record push
    // wrote ~2 extra pages per record through the filesystem (a tenth of the
    // server's CPU in a push profile). The sub-journal only ever serves a
    // rollback within the open transaction, so memory is enough.
    db.pragma('temp_store = MEMORY');
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  let walSync: WalSync | null = null;
  try {
    if (options.durability !== 'normal') walSync = openWalSync(db, file, options.syncWal);
  } catch (error) {
    db.close();
    throw error;
  }
  let shared = notifiers.get(file);
  if (shared === undefined) {
    shared = { notifier: new LocalNotifier(), users: 0 };
    notifiers.set(file, shared);
  }
  shared.users += 1;
  return new SqliteStore(db, file, shared.notifier, walSync);
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly #db: Database;
  readonly #file: string;
  readonly notifier: LocalNotifier;
  /** Pushes are group-committed: one fsync for every push queued meanwhile. */
  readonly #pushes: GroupCommit;
  /** Null under `durability: 'normal'` (or when SQLite fsyncs itself). */
  readonly #walSync: WalSync | null;
  readonly #totalChanges: () => number;
  #seenChanges = 0;
  #closed = false;

  constructor(db: Database, file: string, notifier: LocalNotifier, walSync: WalSync | null) {
    this.#db = db;
    this.#file = file;
    this.notifier = notifier;
    this.#pushes = new GroupCommit(db, mapError, () => walSync?.whenIdle());
    this.#walSync = walSync;
    const total = db.prepare('SELECT total_changes()').pluck();
    this.#totalChanges = () => total.get() as number;
    this.#seenChanges = this.#totalChanges();
  }

  /** Group-commit counters (metrics, tests). */
  get groupCommitStats(): Readonly<GroupCommitStats> {
    return this.#pushes.stats;
  }

  /** WAL fsync counters; null when SQLite syncs (or nothing does). */
  get walSyncStats(): Readonly<WalSyncStats> | null {
    return this.#walSync?.stats ?? null;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('store is closed');
    const failed = this.#walSync?.failed;
    if (failed) throw failed;
  }

  /**
   * After any call: if it (or anything before it) committed rows that are
   * not durable yet, wait for the fsync that covers them. Nothing the call
   * returns or reveals leaves the process before that.
   */
  #settle(): Promise<void> | undefined {
    const walSync = this.#walSync;
    if (walSync === null) return undefined;
    const changes = this.#totalChanges();
    if (changes !== this.#seenChanges) {
      this.#seenChanges = changes;
      walSync.noteCommit();
    }
    return walSync.durable ? undefined : walSync.barrier();
  }

  async #run<T>(fn: (db: Database) => T): Promise<T> {
    this.#assertOpen();
    try {
      return mapErrors(() => fn(this.#db));
    } finally {
      await this.#settle();
    }
  }

  createAccount: Store['createAccount'] = (a) => this.#run((db) => accounts.createAccount(db, a));
  getAccountByUsername: Store['getAccountByUsername'] = (u) =>
    this.#run((db) => accounts.getAccountByUsername(db, u));
  getAccountById: Store['getAccountById'] = (id) =>
    this.#run((db) => accounts.getAccountById(db, id));
  replaceLoginKeyAndBundle: Store['replaceLoginKeyAndBundle'] = (id, c) =>
    this.#run((db) => accounts.replaceLoginKeyAndBundle(db, id, c));
  deleteAccount: Store['deleteAccount'] = async (id) => {
    const affected = await coMembersOf(this, id);
    await this.#run((db) => accounts.deleteAccount(db, id));
    this.notifier.publishAccounts(affected);
  };

  createChallenge: Store['createChallenge'] = (c) =>
    this.#run((db) => accounts.createChallenge(db, c));
  consumeChallenge: Store['consumeChallenge'] = (id, now) =>
    this.#run((db) => accounts.consumeChallenge(db, id, now));

  createSession: Store['createSession'] = (s) => this.#run((db) => sessions.createSession(db, s));
  findSessionByTokenHash: Store['findSessionByTokenHash'] = (h, now) =>
    this.#run((db) => sessions.findSessionByTokenHash(db, h, now));
  listSessions: Store['listSessions'] = (id, now) =>
    this.#run((db) => sessions.listSessions(db, id, now));
  revokeSession: Store['revokeSession'] = (a, s, now) =>
    this.#run((db) => sessions.revokeSession(db, a, s, now));
  revokeAllSessions: Store['revokeAllSessions'] = (a, now, except) =>
    this.#run((db) => sessions.revokeAllSessions(db, a, now, except));
  touchSession: Store['touchSession'] = (s, now) =>
    this.#run((db) => sessions.touchSession(db, s, now));
  purgeExpired: Store['purgeExpired'] = (now) => this.#run((db) => sessions.purgeExpired(db, now));

  // Membership writes tell the accounts concerned, once committed (account live streams).
  createVault: Store['createVault'] = async (v) => {
    await this.#run((db) => vaults.createVault(db, v));
    this.notifier.publishAccounts([v.ownerId]);
  };
  getVault: Store['getVault'] = (id) => this.#run((db) => vaults.getVault(db, id));
  deleteVault: Store['deleteVault'] = async (id) => {
    const members = await membersOf(this, id);
    await this.#run((db) => vaults.deleteVault(db, id));
    this.notifier.publishAccounts(members);
  };
  listVaultsForAccount: Store['listVaultsForAccount'] = (id) =>
    this.#run((db) => vaults.listVaultsForAccount(db, id));
  getMembership: Store['getMembership'] = (v, a) =>
    this.#run((db) => vaults.getMembership(db, v, a));
  listMembers: Store['listMembers'] = (v) => this.#run((db) => vaults.listMembers(db, v));
  addMember: Store['addMember'] = async (v, a, role, grants, now) => {
    await this.#run((db) => vaults.addMember(db, v, a, role, grants, now));
    this.notifier.publishAccounts([a]);
  };
  setRole: Store['setRole'] = async (v, a, role) => {
    await this.#run((db) => vaults.setRole(db, v, a, role));
    this.notifier.publishAccounts([a]);
  };
  removeMember: Store['removeMember'] = async (v, a) => {
    await this.#run((db) => vaults.removeMember(db, v, a));
    this.notifier.publishAccounts([a]);
  };
  createEpoch: Store['createEpoch'] = (v, epoch, grants, now) =>
    this.#run((db) => vaults.createEpoch(db, v, epoch, grants, now));
  putKeyGrants: Store['putKeyGrants'] = (grants, now) =>
    this.#run((db) => vaults.putKeyGrants(db, grants, now));
  listKeyGrants: Store['listKeyGrants'] = (v, r) =>
    this.#run((db) => vaults.listKeyGrants(db, v, r));

  pushMutations: Store['pushMutations'] = async (vaultId, authorId, mutations, options) => {
    this.#assertOpen();
    let result: records.PushResult;
    try {
      result = await this.#pushes.enqueue((db) =>
        records.pushMutations(db, vaultId, authorId, mutations, options),
      );
    } finally {
      // Acknowledged (and announced) only once its group is on disk.
      await this.#settle();
    }
    if (result.advancedTo !== null) this.notifier.publish(vaultId, result.advancedTo);
    return result.outcomes;
  };
  pullChanges: Store['pullChanges'] = (v, cursor, limit, options) =>
    this.#run((db) => records.pullChanges(db, v, cursor, limit, options));
  purgeTombstones: Store['purgeTombstones'] = (v, seq) =>
    this.#run((db) => records.purgeTombstones(db, v, seq));
  purgeTombstonesBefore: Store['purgeTombstonesBefore'] = (before) =>
    this.#run((db) => records.purgeTombstonesBefore(db, before));

  createUpload: Store['createUpload'] = (u) => this.#run((db) => blobs.createUpload(db, u));
  getUpload: Store['getUpload'] = (id) => this.#run((db) => blobs.getUpload(db, id));
  appendUploadChunk: Store['appendUploadChunk'] = (id, offset, bytes, now) =>
    this.#run((db) => blobs.appendUploadChunk(db, id, offset, bytes, now));
  completeUpload: Store['completeUpload'] = (id) => this.#run((db) => blobs.completeUpload(db, id));
  getBlob: Store['getBlob'] = (id) => this.#run((db) => blobs.getBlob(db, id));
  readBlob: Store['readBlob'] = (id, start, end) => {
    if (this.#closed) throw new Error('store is closed');
    return blobs.readBlob(this.#db, id, start, end);
  };
  deleteBlob: Store['deleteBlob'] = (id) => this.#run((db) => blobs.deleteBlob(db, id));
  expireUploads: Store['expireUploads'] = (since) =>
    this.#run((db) => blobs.expireUploads(db, since));
  getBlobUsage: Store['getBlobUsage'] = (id) => this.#run((db) => blobs.getBlobUsage(db, id));

  ping: Store['ping'] = () => this.#run((db) => void db.prepare('SELECT 1').get());

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Writes already accepted are committed (and acknowledged) before closing.
    this.#pushes.drain();
    if (this.#walSync !== null) {
      // Everything committed is on disk before the file is closed (an
      // fsync failure was already reported to the callers it concerned).
      await this.#settle()?.catch(() => {});
      this.#walSync.close();
    }
    this.#db.close();
    const shared = notifiers.get(this.#file);
    if (shared !== undefined && --shared.users === 0) notifiers.delete(this.#file);
  }
}
