/**
 * @coffer/client: the offline-first, end-to-end encrypted sync engine that the
 * web app, the CLI and other teams' apps embed. Node-only pieces live in
 * separate entries: `@coffer/client/sqlite` and `@coffer/client/node`; the
 * browser store is `@coffer/client/indexeddb`; the KDF worker is
 * `@coffer/client/kdf-worker`.
 */

export { type AccountSession, AccountsApi } from './account/accounts-api.ts';
export {
  type DeriveKeys,
  deriveKeysInline,
  deriveKeysInWorker,
  type KdfInput,
} from './account/kdf.ts';
export type { DownloadOptions } from './blobs/blob-download.ts';
export type { BlobSink, DownloadToOptions } from './blobs/blob-download-to.ts';
export { blobEnvelopeSize, type UploadOptions } from './blobs/blob-upload.ts';
export {
  type BlobSource,
  BlobsApi,
  type DownloadBlobOptions,
  type PutBlobOptions,
} from './blobs/blobs-api.ts';
export { type ClientOptions, type CofferClient, createClient } from './client.ts';
export { type ConflictEntry, ConflictsApi } from './records/conflicts-api.ts';
export type { Author } from './records/record-crypto.ts';
export type { IndexedRecord } from './records/record-index.ts';
export * from './records/record-kinds.ts';
export type { RecordSummary } from './records/record-summaries.ts';
export {
  type PutOptions,
  type RecordEntry,
  RecordsApi,
  type WithheldEntry,
} from './records/records-api.ts';
export {
  type SyncErrorEvent,
  type SyncSnapshot,
  SyncStateStore,
  type TransferProgress,
} from './state/state-store.ts';
export { MemoryStore } from './store/memory-store.ts';
export type * from './store/types.ts';
export { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './sync/backoff.ts';
export type { ConflictVersion, MergeFunction, MergeResult } from './sync/conflict.ts';
export type { SyncContext } from './sync/context.ts';
export { createSyncCore, type SyncCore, type SyncCoreOptions } from './sync/core.ts';
export { DISTRUST_CODES, type DistrustCode } from './sync/distrust.ts';
export type { LocalView, SyncEngine } from './sync/engine.ts';
export type { MemberSigner, OpenJob, OpenKeys, OpenOutcome } from './sync/open-records.ts';
export type { RecordOpener } from './sync/record-opener.ts';
export { type ReencryptOptions, type ReencryptResult, reencryptVault } from './sync/reencrypt.ts';
export { countWithheld, WITHHELD_LIMIT, type WithheldRecord } from './sync/withheld.ts';
export * from './transport/errors.ts';
export { HttpTransport, type HttpTransportOptions } from './transport/http-transport.ts';
export type { TextAnswer, TextRequest } from './transport/text-request.ts';
export type {
  AccountLiveEvent,
  LiveEvent,
  PulledChange,
  PulledPage,
  Transport,
} from './transport/transport.ts';
export { checkServerUrl } from './transport/url.ts';
export type { Clock, RandomSource } from './util/env.ts';
export { buildKeyring, type VaultKeyring } from './vault/keyring.ts';
export type { FollowVaultsOptions, VaultListChange } from './vault/vault-follower.ts';
export { type UserKeys, VaultsApi } from './vault/vaults-api.ts';
