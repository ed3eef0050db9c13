/**
 * Conversions at the storage boundary: hex ids and Uint8Array in the API,
 * raw bytes in the database.
 */
import { StorageError } from './errors.ts';

const ID_PATTERN = /^[0-9a-f]{32}$/;

/** Parse a 32-character lower-case hex id into its 16 bytes. */
export function idBytes(id: string, what = 'id'): Buffer {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new StorageError('invalid_argument', `${what} must be 32 lower-case hex characters`);
  }
  return Buffer.from(id, 'hex');
}

/** Hex id of 16 stored bytes. */
export function idHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A Buffer view of caller bytes for the drivers (no copy). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array view of driver bytes, so callers never see Buffer quirks. */
export function toBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Nullable variant of {@link toBytes}. */
export function toBytesOrNull(buffer: Uint8Array | null): Uint8Array | null {
  return buffer === null ? null : toBytes(buffer);
}

/** Reject values that are not non-negative safe integers. */
export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StorageError('invalid_argument', `${what} must be a non-negative integer`);
  }
}

/** Blob bytes are stored in rows of at most this size (1 MiB). */
export const BLOB_CHUNK_BYTES = 1024 * 1024;
