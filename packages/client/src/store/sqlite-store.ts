import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CofferClientError } from '../transport/errors.ts';
import { SqliteCheckpointer, WRITER_AUTOCHECKPOINT } from './sqlite-checkpointer.ts';
import { SqliteFileLock, type SqliteFileLockOptions } from './sqlite-file-lock.ts';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import type {
  ConflictCopy,
  ConflictReason,
  LocalStore,
  OutboxEntry,
  PinnedServer,
  PinnedUserKey,
  RecordRevision,
  SealedVaultKey,
  StoredRecord,
} from './types.ts';

export { SqliteFileLock, type SqliteFileLockOptions } from './sqlite-file-lock.ts';
export type { LocalStore } from './types.ts';

/** Suffix of the outbox lock's side file, after the replica's own file name. */
export const OUTBOX_LOCK_SUFFIX = '-outbox-lock';

// better-sqlite3 hands back Buffers; the contract speaks plain Uint8Array.
// Anything else in a bytes column means the file was edited or damaged: a typed error, not a TypeError.
const bytes = (value: unknown): Uint8Array => {
  if (!(value instanceof Uint8Array))
    throw new CofferClientError(
      'replica_corrupt',
      'the local replica holds a non-binary value where bytes belong (damaged or edited)',
    );
  return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
};
const maybeBytes = (value: unknown): Uint8Array | null => (value == null ? null : bytes(value));

type Row = Record<string, unknown>;

/** A write of at least this many rows starts the background checkpointer. */
const CHECKPOINTER_ROWS = 500;

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * Bytes of records written between two background checkpoints (default
   * 16 MiB). Each checkpoint ends in fsyncs, which also slow the writer's own
   * writes on some file systems: a few large ones beat one per transaction.
   */
  checkpointBytes?: number;
  /**
   * How long a local write or a sync step waits while another process (or
   * another store on the same file) changes the outbox, before it fails with
   * `replica_busy` (default 60 000 ms).
   */
  processLockWaitMs?: number;
}

const envelopeBytes = (rows: ReadonlyArray<StoredRecord>) => {
  let n = 0;
  for (const r of rows) n += (r.envelope?.length ?? 0) + 64;
  return n;
};

const toRecord = (r: Row): StoredRecord => ({
  vaultId: r.vault_id as string,
  recordId: r.record_id as string,
  revision: r.revision as number,
  seq: r.seq as number,
  envelope: maybeBytes(r.envelope),
});

const toOutbox = (r: Row): OutboxEntry => ({
  mutationId: r.mutation_id as string,
  vaultId: r.vault_id as string,
  recordId: r.record_id as string,
  baseRevision: (r.base_revision as number | null) ?? null,
  envelope: maybeBytes(r.envelope),
  epoch: r.epoch as number,
  createdAt: r.created_at as number,
  attempts: r.attempts as number,
  nextAttemptAt: r.next_attempt_at as number,
  order: r.ord as number,
});

const toConflict = (r: Row): ConflictCopy => ({
  conflictId: r.conflict_id as string,
  vaultId: r.vault_id as string,
  recordId: r.record_id as string,
  envelope: maybeBytes(r.envelope),
  revision: (r.revision as number | null) ?? null,
  reason: r.reason as ConflictReason,
  detectedAt: r.detected_at as number,
});

/**
 * A {@link LocalStore} in one SQLite file (WAL), for Node apps and the CLI.
 * Imported from `@coffer/client/sqlite` so browser bundles never see it.
 *
 * @example
 * import { SqliteStore } from '@coffer/client/sqlite';
 * const store = SqliteStore.open('/home/me/.coffer/replica.db');
 */
export class SqliteStore implements LocalStore {
  readonly #db: Database.Database;
  readonly #upsertRecord: Database.Statement;
  readonly #setCursor: Database.Statement;
  /** Prepared once per SQL text: preparing costs more than running a point query. */
  readonly #statements = new Map<string, Database.Statement>();
  /** Background WAL checkpoints (files only; started by the first large write). */
  readonly #checkpointer: SqliteCheckpointer | undefined;

  readonly #checkpointBytes: number;
  /** Bytes written since the last background checkpoint was asked for. */
  #sinceCheckpoint = 0;
  readonly #processLockOptions: SqliteFileLockOptions;
  /** Opened on the first outbox change (files only): reading a replica creates no side file. */
  #processLock: SqliteFileLock | undefined;

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.#db = db;
    this.#checkpointBytes = options.checkpointBytes ?? 16 * 2 ** 20;
    this.#processLockOptions =
      options.processLockWaitMs === undefined ? {} : { waitMs: options.processLockWaitMs };
    // Replica rows are ~1-2 KiB envelopes: 8 KiB pages hold several per page
    // (takes effect on a new file only). A bigger cache keeps the record index
    // of a large vault in memory, and fewer, larger checkpoints spend less
    // time in fsync; together they roughly halve the cost of an initial sync's
    // inserts (see the bench). Memory stays bounded: 16 MiB cache, 64 MiB WAL.
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384');
    db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT}`);
    db.pragma('journal_size_limit = 67108864');
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < SQLITE_MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(SQLITE_MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    this.#upsertRecord = db.prepare(
      `INSERT INTO records (vault_id, record_id, revision, seq, envelope) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (vault_id, record_id) DO UPDATE SET revision = excluded.revision,
       seq = excluded.seq, envelope = excluded.envelope`,
    );
    this.#setCursor = db.prepare(
      'INSERT INTO cursors (vault_id, cursor) VALUES (?, ?) ON CONFLICT (vault_id) DO UPDATE SET cursor = excluded.cursor',
    );
    this.#checkpointer =
      db.memory || db.name === '' || db.pragma('journal_mode', { simple: true }) !== 'wal'
        ? undefined
        : new SqliteCheckpointer({
            // Absolute: a later chdir must not point the checkpointer elsewhere.
            filename: resolve(db.name),
            setAutoCheckpoint: (pages) => {
              if (db.open) db.pragma(`wal_autocheckpoint = ${pages}`);
            },
          });
  }

  /** After a bulk write: hand the WAL's checkpoint to the background thread. */
  #committed(rows: ReadonlyArray<StoredRecord>): void {
    const checkpointer = this.#checkpointer;
    if (!checkpointer) return;
    this.#sinceCheckpoint += envelopeBytes(rows);
    // The first large write starts the thread (its first checkpoint follows);
    // after that, one checkpoint per `checkpointBytes` written.
    const start = !checkpointer.active && rows.length >= CHECKPOINTER_ROWS;
    if (start || (checkpointer.active && this.#sinceCheckpoint >= this.#checkpointBytes)) {
      this.#sinceCheckpoint = 0;
      checkpointer.committed();
    }
  }

  /**
   * Settles after the background thread's next completed checkpoint (false:
   * no background thread, e.g. no large write yet or an in-memory database).
   */
  backgroundCheckpoint(): Promise<boolean> {
    return this.#checkpointer?.next() ?? Promise.resolve(false);
  }

  #stmt(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Every file a replica at `filename` may consist of (the database, its WAL
   * and shared memory, the outbox lock's side file): what to delete, with no
   * store open on it, to remove the replica.
   */
  static files(filename: string): string[] {
    return [filename, `${filename}-wal`, `${filename}-shm`, `${filename}${OUTBOX_LOCK_SUFFIX}`];
  }

  /** Open (creating and migrating) a replica file; `':memory:'` for a throwaway one. */
  static open(filename: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(new Database(filename), options);
  }

  async getRecord(vaultId: string, recordId: string): Promise<StoredRecord | undefined> {
    const row = this.#stmt('SELECT * FROM records WHERE vault_id = ? AND record_id = ?').get(
      vaultId,
      recordId,
    ) as Row | undefined;
    return row && toRecord(row);
  }

  async getRecords(
    vaultId: string,
    recordIds: ReadonlyArray<string>,
  ): Promise<Map<string, StoredRecord>> {
    const out = new Map<string, StoredRecord>();
    if (recordIds.length === 0) return out;
    // One statement per page instead of one point query per record: the ids
    // travel as one JSON array (no per-size statement, no bound-parameter limit).
    const rows = this.#stmt(
      'SELECT * FROM records WHERE vault_id = ? AND record_id IN (SELECT value FROM json_each(?))',
    ).all(vaultId, JSON.stringify(recordIds)) as Row[];
    for (const row of rows) out.set(row.record_id as string, toRecord(row));
    return out;
  }

  async listRecords(vaultId: string): Promise<StoredRecord[]> {
    const rows = this.#stmt('SELECT * FROM records WHERE vault_id = ? ORDER BY record_id').all(
      vaultId,
    ) as Row[];
    return rows.map(toRecord);
  }

  async listRecordIds(vaultId: string): Promise<string[]> {
    return this.#stmt('SELECT record_id FROM records WHERE vault_id = ?')
      .pluck()
      .all(vaultId) as string[];
  }

  #put(rows: ReadonlyArray<StoredRecord>): void {
    for (const r of rows) {
      this.#upsertRecord.run(r.vaultId, r.recordId, r.revision, r.seq, r.envelope);
    }
  }

  async putRecords(rows: ReadonlyArray<StoredRecord>): Promise<void> {
    this.#db.transaction(() => this.#put(rows))();
    this.#committed(rows);
  }

  async applyPull(
    vaultId: string,
    rows: ReadonlyArray<StoredRecord>,
    cursor: number,
  ): Promise<void> {
    this.#db.transaction(() => {
      this.#put(rows);
      this.#setCursor.run(vaultId, cursor);
    })();
    this.#committed(rows);
  }

  async deleteRecords(vaultId: string, recordIds: ReadonlyArray<string>): Promise<void> {
    const stmt = this.#stmt('DELETE FROM records WHERE vault_id = ? AND record_id = ?');
    this.#db.transaction(() => {
      for (const id of recordIds) stmt.run(vaultId, id);
    })();
  }

  async enqueue(entry: Omit<OutboxEntry, 'order'>): Promise<OutboxEntry> {
    const info = this.#stmt(
      `INSERT INTO outbox (mutation_id, vault_id, record_id, base_revision, envelope, epoch, created_at, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.mutationId,
      entry.vaultId,
      entry.recordId,
      entry.baseRevision,
      entry.envelope,
      entry.epoch,
      entry.createdAt,
      entry.attempts,
      entry.nextAttemptAt,
    );
    return { ...entry, order: Number(info.lastInsertRowid) };
  }

  async listOutbox(options: { vaultId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    const limit = options.limit ?? -1;
    const rows = (
      options.vaultId === undefined
        ? this.#stmt('SELECT * FROM outbox ORDER BY ord LIMIT ?').all(limit)
        : this.#stmt('SELECT * FROM outbox WHERE vault_id = ? ORDER BY ord LIMIT ?').all(
            options.vaultId,
            limit,
          )
    ) as Row[];
    return rows.map(toOutbox);
  }

  async updateOutbox(entry: OutboxEntry): Promise<void> {
    this.#stmt(
      `UPDATE outbox SET vault_id = ?, record_id = ?, base_revision = ?, envelope = ?, epoch = ?, created_at = ?,
         attempts = ?, next_attempt_at = ? WHERE mutation_id = ?`,
    ).run(
      entry.vaultId,
      entry.recordId,
      entry.baseRevision,
      entry.envelope,
      entry.epoch,
      entry.createdAt,
      entry.attempts,
      entry.nextAttemptAt,
      entry.mutationId,
    );
  }

  async removeOutbox(mutationIds: ReadonlyArray<string>): Promise<void> {
    const stmt = this.#stmt('DELETE FROM outbox WHERE mutation_id = ?');
    this.#db.transaction(() => {
      for (const id of mutationIds) stmt.run(id);
    })();
  }

  async countOutbox(): Promise<number> {
    return (this.#stmt('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  async getCursor(vaultId: string): Promise<number> {
    const row = this.#stmt('SELECT cursor FROM cursors WHERE vault_id = ?').get(vaultId) as
      | { cursor: number }
      | undefined;
    return row?.cursor ?? 0;
  }

  async setCursor(vaultId: string, cursor: number): Promise<void> {
    this.#setCursor.run(vaultId, cursor);
  }

  async putConflict(c: ConflictCopy): Promise<void> {
    this.#stmt(
      `INSERT OR REPLACE INTO conflicts (conflict_id, vault_id, record_id, envelope, revision, reason, detected_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.conflictId, c.vaultId, c.recordId, c.envelope, c.revision, c.reason, c.detectedAt);
  }

  async listConflicts(vaultId?: string): Promise<ConflictCopy[]> {
    const rows = (
      vaultId === undefined
        ? this.#stmt('SELECT * FROM conflicts ORDER BY detected_at, conflict_id').all()
        : this.#stmt(
            'SELECT * FROM conflicts WHERE vault_id = ? ORDER BY detected_at, conflict_id',
          ).all(vaultId)
    ) as Row[];
    return rows.map(toConflict);
  }

  async deleteConflict(conflictId: string): Promise<void> {
    this.#stmt('DELETE FROM conflicts WHERE conflict_id = ?').run(conflictId);
  }

  async getPinnedServer(origin: string): Promise<PinnedServer | undefined> {
    const r = this.#stmt('SELECT * FROM pinned_servers WHERE origin = ?').get(origin) as
      | Row
      | undefined;
    return (
      r && {
        origin: r.origin as string,
        certSha256: r.cert_sha256 as string,
        pinnedAt: r.pinned_at as number,
      }
    );
  }

  async putPinnedServer(pin: PinnedServer): Promise<void> {
    this.#stmt(
      'INSERT OR REPLACE INTO pinned_servers (origin, cert_sha256, pinned_at) VALUES (?, ?, ?)',
    ).run(pin.origin, pin.certSha256, pin.pinnedAt);
  }

  async getPinnedUser(username: string): Promise<PinnedUserKey | undefined> {
    const r = this.#stmt('SELECT * FROM pinned_users WHERE username = ?').get(username) as
      | Row
      | undefined;
    return (
      r && {
        username: r.username as string,
        fingerprint: r.fingerprint as string,
        x25519PublicKey: bytes(r.x25519_public_key),
        ed25519PublicKey: bytes(r.ed25519_public_key),
        pinnedAt: r.pinned_at as number,
      }
    );
  }

  async putPinnedUser(p: PinnedUserKey): Promise<void> {
    this.#stmt(
      `INSERT OR REPLACE INTO pinned_users (username, fingerprint, x25519_public_key, ed25519_public_key, pinned_at)
         VALUES (?, ?, ?, ?, ?)`,
    ).run(p.username, p.fingerprint, p.x25519PublicKey, p.ed25519PublicKey, p.pinnedAt);
  }

  async putSealedVaultKey(k: SealedVaultKey): Promise<void> {
    this.#stmt('INSERT OR REPLACE INTO vault_keys (vault_id, epoch, sealed) VALUES (?, ?, ?)').run(
      k.vaultId,
      k.epoch,
      k.sealed,
    );
  }

  async listSealedVaultKeys(vaultId: string): Promise<SealedVaultKey[]> {
    const rows = this.#stmt('SELECT * FROM vault_keys WHERE vault_id = ? ORDER BY epoch').all(
      vaultId,
    ) as Row[];
    return rows.map((r) => ({
      vaultId: r.vault_id as string,
      epoch: r.epoch as number,
      sealed: bytes(r.sealed),
    }));
  }

  async getMeta(key: string): Promise<string | undefined> {
    const r = this.#stmt('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return r?.value;
  }

  async setMeta(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#stmt('DELETE FROM meta WHERE key = ?').run(key);
    else this.#stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  async listMetaKeys(prefix: string): Promise<string[]> {
    // substr, not LIKE: '_' and '%' in a prefix are literal here.
    return this.#stmt('SELECT key FROM meta WHERE substr(key, 1, ?) = ? ORDER BY key')
      .pluck()
      .all(prefix.length, prefix) as string[];
  }

  async close(): Promise<void> {
    await this.#checkpointer?.close();
    this.#processLock?.close();
    if (this.#db.open) this.#db.close();
  }

  /**
   * Other processes may open this file: outbox changes hold an OS lock on a
   * side file (`<file>-outbox-lock`) so theirs and ours never interleave.
   * In-memory databases belong to this connection alone and need none.
   */
  async lockAcrossProcesses(): Promise<() => void> {
    if (this.#db.memory || this.#db.name === '') return () => {};
    this.#processLock ??= new SqliteFileLock(
      `${resolve(this.#db.name)}${OUTBOX_LOCK_SUFFIX}`,
      this.#processLockOptions,
    );
    return this.#processLock.acquire();
  }

  async listRecordRevisions(vaultId: string): Promise<RecordRevision[]> {
    // Only key and revision columns: SQLite never decodes the envelope blobs.
    return this.#stmt(
      'SELECT record_id AS recordId, revision FROM records WHERE vault_id = ? ORDER BY record_id',
    ).all(vaultId) as RecordRevision[];
  }
}
