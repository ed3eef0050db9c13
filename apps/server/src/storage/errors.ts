/**
 * Typed storage errors. Every error has a stable `code` that the HTTP layer
 * maps to a problem+json `code`; messages never contain stored bytes, tokens
 * or SQL.
 */

/** Every code a {@link StorageError} can carry. */
export type StorageErrorCode =
  | 'username_taken'
  | 'already_exists'
  | 'not_found'
  | 'already_member'
  | 'epoch_conflict'
  | 'quota_exceeded'
  | 'upload_offset_mismatch'
  | 'upload_too_large'
  | 'upload_incomplete'
  | 'upload_completed'
  | 'invalid_argument';

/**
 * Base class of every error the store raises on purpose. Anything else thrown
 * by a store (a driver error, a lost connection) is an internal failure.
 *
 * @example
 * try { await store.createAccount(input) } catch (e) {
 *   if (e instanceof StorageError && e.code === 'username_taken') reply409()
 * }
 */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** `createEpoch` was asked for an epoch other than current + 1. */
export class EpochConflictError extends StorageError {
  override readonly name = 'EpochConflictError';
  readonly currentEpoch: number;
  constructor(currentEpoch: number) {
    super('epoch_conflict', `key epoch must be exactly ${currentEpoch + 1}`);
    this.currentEpoch = currentEpoch;
  }
}

/** A new upload would take the account over its blob quota. */
export class QuotaExceededError extends StorageError {
  override readonly name = 'QuotaExceededError';
  readonly usedBytes: number;
  readonly quotaBytes: number;
  constructor(usedBytes: number, quotaBytes: number) {
    super('quota_exceeded', 'blob storage quota exceeded');
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
  }
}

/** A chunk was appended at an offset other than the bytes received so far. */
export class UploadOffsetError extends StorageError {
  override readonly name = 'UploadOffsetError';
  readonly expectedOffset: number;
  constructor(expectedOffset: number) {
    super('upload_offset_mismatch', `upload must continue at offset ${expectedOffset}`);
    this.expectedOffset = expectedOffset;
  }
}

/** Shorthand for the commonest error. */
export function notFound(what: string): StorageError {
  return new StorageError('not_found', `${what} not found`);
}
