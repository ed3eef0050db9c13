/**
 * The local replica contract. Every store (in-memory, SQLite, IndexedDB) holds
 * CIPHERTEXT only: record envelopes as the server returned them, pending
 * mutations as sealed envelopes, and vault keys sealed under the account's key.
 * Plaintext lives only in the client's memory.
 */

/** A record as last confirmed by the server (the replica's view of the server). */
export interface StoredRecord {
  vaultId: string;
  recordId: string;
  /** Server-assigned revision of this record. */
  revision: number;
  /** Per-vault sequence at which the server committed this revision. */
  seq: number;
  /** The `record` envelope, or `null` for a tombstone. */
  envelope: Uint8Array | null;
}

/** A record's id and server revision, read without its envelope. */
export interface RecordRevision {
  recordId: string;
  revision: number;
}

/** A local write waiting to be pushed (ordered by `order`, assigned by the store). */
export interface OutboxEntry {
  /** Random id: a retried push with the same id never writes twice. */
  mutationId: string;
  vaultId: string;
  recordId: string;
  /** Revision this write was based on (`null`: the record must not exist yet). */
  baseRevision: number | null;
  /** Sealed `record` envelope, or `null` to delete. */
  envelope: Uint8Array | null;
  /** Key epoch the envelope is sealed under (the server checks it is a vault epoch). */
  epoch: number;
  createdAt: number;
  /** Push attempts so far (0: never sent, so it may still be coalesced). */
  attempts: number;
  /** Earliest time (ms since epoch) of the next attempt (backoff). */
  nextAttemptAt: number;
  /** Local enqueue order, assigned by the store on {@link LocalStore.enqueue}. */
  order: number;
}

/** Why a conflict copy exists. */
export type ConflictReason = 'local_lost' | 'remote_lost';

/** The losing version of a conflict, kept so the application can show and resolve it. */
export interface ConflictCopy {
  conflictId: string;
  vaultId: string;
  recordId: string;
  /** Sealed envelope of the losing version (`null`: the loser was a deletion). */
  envelope: Uint8Array | null;
  /** Server revision of the losing version, if it ever had one. */
  revision: number | null;
  reason: ConflictReason;
  detectedAt: number;
}

/** A server TLS certificate pinned on first use (or configured). */
export interface PinnedServer {
  origin: string;
  /** Lower-case hex SHA-256 of the DER certificate. */
  certSha256: string;
  pinnedAt: number;
}

/** Another user's public keys as first seen, so a change is detected. */
export interface PinnedUserKey {
  username: string;
  fingerprint: string;
  x25519PublicKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
  pinnedAt: number;
}

/** A vault key of one epoch, sealed under the account's key (never raw). */
export interface SealedVaultKey {
  vaultId: string;
  epoch: number;
  sealed: Uint8Array;
}

/**
 * The store contract. All methods are async so that IndexedDB fits; each
 * method is atomic on its own, and {@link LocalStore.applyPull} writes the
 * records and the cursor in one transaction so a crash never leaves the
 * cursor ahead of the data.
 */
export interface LocalStore {
  getRecord(vaultId: string, recordId: string): Promise<StoredRecord | undefined>;
  /**
   * The rows of several records of a vault, by recordId, in one read (ids the
   * replica does not hold are absent). A pull checks a whole page with it.
   */
  getRecords(vaultId: string, recordIds: ReadonlyArray<string>): Promise<Map<string, StoredRecord>>;
  /** Every record of a vault, tombstones included, ordered by recordId. */
  listRecords(vaultId: string): Promise<StoredRecord[]>;
  /** The record ids of a vault, tombstones included, without reading any envelope. */
  listRecordIds(vaultId: string): Promise<string[]>;
  /** Insert or replace records (atomic). */
  putRecords(rows: ReadonlyArray<StoredRecord>): Promise<void>;
  /** Insert or replace records and advance the vault's cursor in one transaction. */
  applyPull(vaultId: string, rows: ReadonlyArray<StoredRecord>, cursor: number): Promise<void>;
  /** Remove records (a full resync found them purged on the server). */
  deleteRecords(vaultId: string, recordIds: ReadonlyArray<string>): Promise<void>;

  /** Append a mutation; the store assigns `order`. */
  enqueue(entry: Omit<OutboxEntry, 'order'>): Promise<OutboxEntry>;
  /** Pending mutations in enqueue order, optionally of one vault, at most `limit`. */
  listOutbox(options?: { vaultId?: string; limit?: number }): Promise<OutboxEntry[]>;
  /** Replace an entry (same `mutationId`); the `order` is kept. */
  updateOutbox(entry: OutboxEntry): Promise<void>;
  removeOutbox(mutationIds: ReadonlyArray<string>): Promise<void>;
  countOutbox(): Promise<number>;

  /** Last applied per-vault sequence (0 before the first pull). */
  getCursor(vaultId: string): Promise<number>;
  setCursor(vaultId: string, cursor: number): Promise<void>;

  putConflict(copy: ConflictCopy): Promise<void>;
  listConflicts(vaultId?: string): Promise<ConflictCopy[]>;
  deleteConflict(conflictId: string): Promise<void>;

  getPinnedServer(origin: string): Promise<PinnedServer | undefined>;
  putPinnedServer(pin: PinnedServer): Promise<void>;
  getPinnedUser(username: string): Promise<PinnedUserKey | undefined>;
  putPinnedUser(pin: PinnedUserKey): Promise<void>;

  putSealedVaultKey(key: SealedVaultKey): Promise<void>;
  listSealedVaultKeys(vaultId: string): Promise<SealedVaultKey[]>;

  /** Small string values (session, account, progress markers); `undefined` deletes. */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string | undefined): Promise<void>;
  /** The meta keys that start with `prefix`, sorted (per-vault entries: `withheld:<vaultId>`). */
  listMetaKeys(prefix: string): Promise<string[]>;

  close(): Promise<void>;
  /**
   * Set when other processes (browser tabs, windows, workers) may open the same
   * database: the name of a Web Lock that {@link withOutboxLock} also takes, so
   * an outbox change in one tab never interleaves with one in another.
   */
  readonly sharedLockName?: string;
  /**
   * Set when other OS processes may open the same database (a SQLite file):
   * holds an inter-process lock that {@link withOutboxLock} takes around each
   * outbox change, and returns its release. Holds of one store may overlap
   * (one per vault); the lock is released when the last one is.
   */
  lockAcrossProcesses?(): Promise<() => void>;

  /**
   * The (recordId, revision) of every record of a vault, tombstones included,
   * ordered by recordId, WITHOUT reading any envelope: the record index
   * compares it with what it already opened and opens only what changed.
   */
  listRecordRevisions(vaultId: string): Promise<RecordRevision[]>;
}
