/**
 * The storage contract of coffer-server: one interface, implemented by
 * `SqliteStore` (embedded default) and `PostgresStore` (scale-out), both held
 * to the same contract test suite (test/storage/contract.ts).
 *
 * Conventions:
 * - Ids (accounts, vaults, records, mutations, sessions, challenges, uploads,
 *   blobs) are 16-byte values written as 32 lower-case hex characters. A
 *   malformed id raises `invalid_argument`.
 * - Times are milliseconds since the Unix epoch (numbers). The caller passes
 *   `now` where expiry matters, so tests need no clock.
 * - Bytes (envelopes, keys, hashes, blob chunks) are Uint8Array. The store
 *   never interprets envelopes: it stores ciphertext.
 * - Usernames are compared exactly: the caller normalises them first.
 * - Authorisation (who may do what in a vault) is the caller's job; the store
 *   only keeps tenants apart by key (vault, recipient, account).
 */
import type { Notifier } from './notifier.ts';

export * from './errors.ts';
export type { Notifier, VaultChangeListener } from './notifier.ts';

/** A 16-byte id as 32 lower-case hex characters. */
export type Id = string;

export type Role = 'owner' | 'admin' | 'writer' | 'reader';
export const ROLES: ReadonlyArray<Role> = ['owner', 'admin', 'writer', 'reader'];

export interface KdfParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

// ---------------------------------------------------------------- accounts

export interface NewAccount {
  accountId: Id;
  username: string;
  loginPublicKey: Uint8Array;
  kdfSalt: Uint8Array;
  kdfParams: KdfParams;
  /** The sealed `key-bundle` envelope. */
  keyBundle: Uint8Array;
  x25519PublicKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
  createdAt: number;
}

export interface AccountRow extends NewAccount {
  updatedAt: number;
}

export interface LoginKeyChange {
  loginPublicKey: Uint8Array;
  kdfSalt: Uint8Array;
  kdfParams: KdfParams;
  keyBundle: Uint8Array;
  updatedAt: number;
  /** Revoke sessions too: all of them (`except: null`) or all but one. */
  revokeSessions?: { except: Id | null };
}

// ------------------------------------------------------ challenges, sessions

export interface ChallengeRow {
  challengeId: Id;
  /** Null for a challenge issued to an unknown username (no enumeration). */
  accountId: Id | null;
  challenge: Uint8Array;
  expiresAt: number;
}

export interface NewSession {
  sessionId: Id;
  accountId: Id;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: Uint8Array;
  createdAt: number;
  expiresAt: number;
  clientLabel: string;
}

export interface SessionRow extends NewSession {
  lastSeenAt: number;
  revokedAt: number | null;
}

// ---------------------------------------------------------- vaults, members

export interface KeyGrantInput {
  epoch: number;
  recipientId: Id;
  granterId: Id;
  /** The `key-grant` envelope. */
  envelope: Uint8Array;
}

export interface KeyGrant extends KeyGrantInput {
  vaultId: Id;
  createdAt: number;
}

export interface NewVault {
  vaultId: Id;
  ownerId: Id;
  createdAt: number;
  /** Grants of epoch 1 (at least the owner's). Every `epoch` must be 1. */
  grants: ReadonlyArray<KeyGrantInput>;
}

export interface VaultRow {
  vaultId: Id;
  createdAt: number;
  /** The newest key epoch; starts at 1. */
  currentEpoch: number;
  /** The last sequence assigned in this vault (0 when empty). */
  headSeq: number;
  /** Tombstones with seq <= purgeHorizon are gone (0 = nothing purged). */
  purgeHorizon: number;
}

export interface VaultSummary extends VaultRow {
  role: Role;
}

export interface MemberRow {
  accountId: Id;
  username: string;
  role: Role;
  addedAt: number;
}

// ------------------------------------------------------------------ records

export interface Mutation {
  mutationId: Id;
  recordId: Id;
  /**
   * The revision the client edited; null means "no live record": the record
   * must be absent or a tombstone (then its revisions continue).
   */
  baseRevision: number | null;
  /** The `record` envelope, or null for a tombstone (deletion). */
  envelope: Uint8Array | null;
  /** The key epoch the envelope is sealed under. */
  epoch: number;
}

export type MutationOutcome =
  | { status: 'applied'; mutationId: Id; recordId: Id; revision: number; seq: number }
  | {
      status: 'conflict';
      mutationId: Id;
      recordId: Id;
      /** Null when the record does not exist (or was purged). */
      currentRevision: number | null;
      /** Null for a tombstone or a missing record. */
      currentEnvelope: Uint8Array | null;
      currentEpoch: number | null;
      currentSeq: number | null;
    }
  /** atomic batch only: this mutation was fine but another one conflicted. */
  | { status: 'aborted'; mutationId: Id; recordId: Id };

export interface PushOptions {
  /** All-or-nothing: if any mutation conflicts, none is applied. */
  atomic: boolean;
  /** Stored as `updatedAt` of the changes. */
  now: number;
}

export interface Change {
  seq: number;
  recordId: Id;
  revision: number;
  envelope: Uint8Array | null;
  epoch: number;
  authorId: Id;
  updatedAt: number;
}

export type PullResult =
  | { resyncRequired: false; changes: Change[]; nextCursor: number; hasMore: boolean }
  | {
      resyncRequired: true;
      /** `purged`: cursor is older than the purge horizon. `ahead`: cursor > head. */
      reason: 'purged' | 'ahead';
      purgeHorizon: number;
      headSeq: number;
    };

export interface PullOptions {
  /** A full resync paging from 0: the purge horizon is not checked. */
  resync?: boolean;
  /** Envelope bytes after which a page ends (default {@link PULL_PAGE_MAX_BYTES}). */
  maxBytes?: number;
}

/**
 * Envelope bytes per pull page (8 MiB): a page of 1 000 large envelopes
 * would otherwise be a response of hundreds of megabytes.
 */
export const PULL_PAGE_MAX_BYTES = 8 * 1024 * 1024;

/** What one run of the tombstone purge did. */
export interface TombstonePurgeSummary {
  /** Vaults whose purge horizon moved. */
  vaults: number;
  /** Tombstones deleted. */
  purged: number;
}

export interface PurgeResult {
  purged: number;
  purgeHorizon: number;
}

// -------------------------------------------------------------------- blobs

export interface NewUpload {
  uploadId: Id;
  vaultId: Id;
  accountId: Id;
  totalSize: number;
  createdAt: number;
  /** The account's blob quota; completed blobs and open uploads count. */
  quotaBytes: number;
}

export interface UploadRow {
  uploadId: Id;
  vaultId: Id;
  accountId: Id;
  totalSize: number;
  receivedSize: number;
  createdAt: number;
  completed: boolean;
}

export interface BlobRow {
  blobId: Id;
  vaultId: Id;
  accountId: Id;
  size: number;
  createdAt: number;
}

export interface BlobUsage {
  /** Sizes of completed blobs plus declared sizes of open uploads. */
  usedBytes: number;
  blobCount: number;
}

// -------------------------------------------------------------------- store

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** "vault X has new sequence N", after commit; crosses processes on PostgreSQL. */
  readonly notifier: Notifier;

  createAccount(input: NewAccount): Promise<void>;
  getAccountByUsername(username: string): Promise<AccountRow | null>;
  getAccountById(accountId: Id): Promise<AccountRow | null>;
  /** Passphrase change: new login key, salt, params and re-sealed bundle. */
  replaceLoginKeyAndBundle(accountId: Id, change: LoginKeyChange): Promise<void>;
  /** Removes sessions, memberships, grants; vaults it alone owns are deleted. */
  deleteAccount(accountId: Id): Promise<void>;

  createChallenge(input: ChallengeRow): Promise<void>;
  /** Returns the challenge once and deletes it; expired or replayed → null. */
  consumeChallenge(challengeId: Id, now: number): Promise<ChallengeRow | null>;

  createSession(input: NewSession): Promise<void>;
  /** Only an unexpired, unrevoked session. */
  findSessionByTokenHash(tokenHash: Uint8Array, now: number): Promise<SessionRow | null>;
  /** Unexpired, unrevoked sessions of the account, newest first. */
  listSessions(accountId: Id, now: number): Promise<SessionRow[]>;
  /** False when no such live session belongs to the account. */
  revokeSession(accountId: Id, sessionId: Id, now: number): Promise<boolean>;
  /** Returns how many sessions were revoked. */
  revokeAllSessions(accountId: Id, now: number, exceptSessionId?: Id): Promise<number>;
  touchSession(sessionId: Id, now: number): Promise<void>;
  /** Housekeeping: drop expired challenges and expired or revoked sessions. */
  purgeExpired(now: number): Promise<void>;

  /** The owner becomes a member with role `owner`; epoch 1 is current. */
  createVault(input: NewVault): Promise<void>;
  getVault(vaultId: Id): Promise<VaultRow | null>;
  deleteVault(vaultId: Id): Promise<void>;
  listVaultsForAccount(accountId: Id): Promise<VaultSummary[]>;
  getMembership(vaultId: Id, accountId: Id): Promise<Role | null>;
  listMembers(vaultId: Id): Promise<MemberRow[]>;
  /** `already_member` if present; grants are for the new member. */
  addMember(
    vaultId: Id,
    accountId: Id,
    role: Role,
    grants: ReadonlyArray<KeyGrantInput>,
    now: number,
  ): Promise<void>;
  setRole(vaultId: Id, accountId: Id, role: Role): Promise<void>;
  /** Also deletes the member's key grants. */
  removeMember(vaultId: Id, accountId: Id): Promise<void>;
  /** Epoch must be exactly current + 1 (else {@link EpochConflictError}). */
  createEpoch(
    vaultId: Id,
    epoch: number,
    grants: ReadonlyArray<Omit<KeyGrantInput, 'epoch'>>,
    now: number,
  ): Promise<void>;
  /** Insert or replace (vault, epoch, recipient) grants. */
  putKeyGrants(grants: ReadonlyArray<Omit<KeyGrant, 'createdAt'>>, now: number): Promise<void>;
  /** Only grants addressed to `recipientId`, by epoch. */
  listKeyGrants(vaultId: Id, recipientId: Id): Promise<KeyGrant[]>;

  /**
   * Applies mutations in order. Retried mutationIds return their recorded
   * `applied` outcome (conflicts and aborts are not recorded: they wrote
   * nothing, so a retry is evaluated afresh).
   */
  pushMutations(
    vaultId: Id,
    authorId: Id,
    mutations: ReadonlyArray<Mutation>,
    options: PushOptions,
  ): Promise<MutationOutcome[]>;
  /**
   * Latest change of each record with seq > cursor, in seq order: at most
   * `limit` changes, and the page ends early (`hasMore`) once its envelopes
   * exceed `options.maxBytes` (default {@link PULL_PAGE_MAX_BYTES}; a page
   * always holds at least one change).
   */
  pullChanges(
    vaultId: Id,
    cursor: number,
    limit: number,
    /** `resync`: a full resync paging from 0; the purge horizon is not checked. */
    options?: PullOptions,
  ): Promise<PullResult>;
  /** Deletes tombstones with seq < olderThanSeq and raises the purge horizon. */
  purgeTombstones(vaultId: Id, olderThanSeq: number): Promise<PurgeResult>;
  /**
   * Retention: in every vault, purge the tombstones written before
   * `updatedBefore` (ms), raising the horizon to the newest of them, so a
   * device whose cursor is older must resync.
   */
  purgeTombstonesBefore(updatedBefore: number): Promise<TombstonePurgeSummary>;

  createUpload(input: NewUpload): Promise<UploadRow>;
  getUpload(uploadId: Id): Promise<UploadRow | null>;
  /**
   * `offset` must equal the bytes received so far; returns the new size.
   * The upload counts as touched at `now` (see expireUploads).
   */
  appendUploadChunk(uploadId: Id, offset: number, bytes: Uint8Array, now: number): Promise<number>;
  /** The blob id equals the upload id. */
  completeUpload(uploadId: Id): Promise<BlobRow>;
  getBlob(blobId: Id): Promise<BlobRow | null>;
  /** Bytes [start, end) streamed chunk row by chunk row. */
  readBlob(blobId: Id, start: number, end: number): AsyncIterable<Uint8Array>;
  deleteBlob(blobId: Id): Promise<void>;
  /**
   * Housekeeping: delete the unfinished uploads last touched (created or
   * appended to) before `untouchedSince` (ms), freeing their quota; completed
   * blobs stay. Returns how many went.
   */
  expireUploads(untouchedSince: number): Promise<number>;
  getBlobUsage(accountId: Id): Promise<BlobUsage>;

  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
