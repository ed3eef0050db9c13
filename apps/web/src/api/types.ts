/**
 * What the web app needs from the Coffer SDK, in the shape the UI consumes.
 * The UI depends only on these types; `sdk-gateway.ts` implements them over
 * `@coffer/client`, and tests use an in-memory fake. Keeping the port this
 * narrow is what keeps the app thin: no sync or crypto logic lives here.
 */

/** A value that changes over time, readable with React's useSyncExternalStore. */
export interface Observable<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** A problem the sync engine reported in the background. */
export interface SyncErrorView {
  code: string;
  message: string;
  vaultId?: string;
  recordId?: string;
  at: number;
}

/** One running upload or download. */
export interface TransferView {
  id: string;
  direction: 'upload' | 'download';
  done: number;
  total: number;
}

/** Mirrors the SDK's `SyncSnapshot`: everything the status bar shows. */
export interface SyncView {
  connection: 'online' | 'offline' | 'unknown';
  syncing: boolean;
  pending: number;
  lastSyncAt: number | null;
  conflicts: number;
  errors: ReadonlyArray<SyncErrorView>;
  transfers: ReadonlyArray<TransferView>;
}

export type Role = 'owner' | 'admin' | 'writer' | 'reader';
export type RecordKind = 'text' | 'json' | 'secret' | 'file';

export interface VaultInfo {
  vaultId: string;
  /** Decrypted vault name (the server sees only the id). */
  name: string;
  role: Role;
}

/** A row of the record list (no content: opening a vault must stay cheap). */
export interface RecordSummary {
  recordId: string;
  name: string;
  kind: RecordKind;
  updatedAt: number;
  /** Plaintext size of a file attachment. */
  size?: number;
  /** The record has an unresolved conflict copy. */
  conflicted: boolean;
  /** The envelope failed to open or verify: shown as an error, never as data. */
  integrityError?: string;
  /**
   * The server's latest version of this record did not verify: what this
   * device shows is its last verified version, which may be out of date.
   */
  notLatest?: string;
}

export interface RecordListView {
  status: 'loading' | 'ready';
  records: ReadonlyArray<RecordSummary>;
}

/** Decrypted content of a text, JSON or secret record. */
export interface InlineContent {
  kind: 'text' | 'json' | 'secret';
  text: string;
}

/** What opening a record gives: inline text or a file reference. */
export type RecordContent = InlineContent | { kind: 'file'; size: number };

/** One side of a conflict, decrypted. */
export interface ConflictSide {
  deleted: boolean;
  content?: RecordContent;
  /** When it was edited (0 for a deletion). */
  updatedAt: number;
  author?: string;
}

export interface ConflictInfo {
  conflictId: string;
  recordId: string;
  name: string;
  /** The version this device wrote. */
  mine: ConflictSide;
  /** The version that reached the server first. */
  theirs: ConflictSide;
}

export type ConflictChoice = { keep: 'mine' | 'theirs' } | { merged: InlineContent };

export interface MemberInfo {
  accountId: string;
  username: string;
  role: Role;
}

/** Another user's keys as the key directory returned them, checked against the pin. */
export interface UserKeyInfo {
  username: string;
  accountId: string;
  /** Fingerprint to compare out of band, grouped for reading aloud. */
  fingerprint: string;
  /** `changed`: differs from the key pinned earlier; sharing needs explicit acceptance. */
  pin: 'new' | 'same' | 'changed';
}

/** Progress of a multi-step operation (key derivation, rotation). */
export interface StepProgress {
  step: string;
  /** 0..1 when measurable. */
  fraction?: number;
}

export type ProgressListener = (progress: StepProgress) => void;
export type ByteProgress = (done: number, total: number) => void;

export interface VaultHandle {
  readonly info: VaultInfo;
  readonly records: Observable<RecordListView>;
  readonly conflicts: Observable<ReadonlyArray<ConflictInfo>>;
  read(recordId: string): Promise<RecordContent>;
  /** Create or replace a record by name (works offline: goes to the outbox). */
  write(name: string, content: InlineContent): Promise<void>;
  remove(recordId: string): Promise<void>;
  /** Stream a file (read with `file.stream()`) into an encrypted blob referenced from a record. */
  uploadFile(
    name: string,
    file: Blob,
    onProgress: ByteProgress,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Stream a file's decrypted bytes into `sink` as they pass their check;
   * resolves once all arrived and the sink closed. On an error or an abort
   * the sink is aborted (it must discard what it got).
   */
  downloadFile(
    recordId: string,
    sink: WritableStream<Uint8Array>,
    onProgress: ByteProgress,
    signal?: AbortSignal,
  ): Promise<void>;
  members(): Promise<MemberInfo[]>;
  lookupUser(username: string): Promise<UserKeyInfo>;
  /** Share after the user compared `fingerprint`; a changed key needs `acceptChangedKey`. */
  share(
    username: string,
    role: Exclude<Role, 'owner'>,
    fingerprint: string,
    acceptChangedKey: boolean,
  ): Promise<void>;
  /** Give a member another role (no key change: every role can read). */
  changeRole(accountId: string, role: Exclude<Role, 'owner'>): Promise<void>;
  /** Remove a member and rotate to a new key epoch. */
  removeMember(accountId: string, onProgress: ProgressListener): Promise<void>;
  resolveConflict(conflictId: string, choice: ConflictChoice): Promise<void>;
  close(): void;
}

/** One logged-in device of this account, as the server lists it. */
export interface SessionView {
  sessionId: string;
  /** The device name given at login. */
  label: string;
  createdAt: number;
  lastSeenAt: number;
  /** This browser's own session. */
  current: boolean;
}

export interface CofferSession {
  readonly username: string;
  /** This account's own fingerprint, for others to compare when sharing. */
  readonly fingerprint: string;
  readonly sync: Observable<SyncView>;
  readonly vaults: Observable<ReadonlyArray<VaultInfo> | null>;
  /**
   * True once a newer version of the app, opened in another tab, took the
   * local replica over for its schema: this tab's code no longer matches
   * it, and every local read or write fails until the page reloads.
   */
  readonly replicaReplaced: Observable<boolean>;
  /** Ask the server for the vault list again (vaults shared since, or made on another device). */
  refreshVaults(): Promise<void>;
  createVault(name: string): Promise<VaultInfo>;
  openVault(vaultId: string): Promise<VaultHandle>;
  changePassphrase(current: string, next: string, onProgress: ProgressListener): Promise<void>;
  /** This account's sessions on every device. */
  sessions(): Promise<SessionView[]>;
  /** End another device's session (it has to log in again). */
  revokeSession(sessionId: string): Promise<void>;
  /** Drop every key from memory; the encrypted replica stays for the next unlock. */
  lock(): Promise<void>;
  /** End the session on the server and forget the local replica's session. */
  logout(): Promise<void>;
}

/** Before login. */
export interface CofferGateway {
  signup(
    username: string,
    passphrase: string,
    onProgress: ProgressListener,
  ): Promise<CofferSession>;
  login(username: string, passphrase: string, onProgress: ProgressListener): Promise<CofferSession>;
}
