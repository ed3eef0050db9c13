/**
 * Blobs on SQLite: resumable uploads whose bytes land in rows of at most
 * 1 MiB, read back one row at a time so no blob is ever whole in memory.
 * The blob id is the upload id.
 */
import type { Database } from 'better-sqlite3';
import { checkRange } from '../blob-rules.ts';
import type { BlobRow, BlobUsage, NewUpload, UploadRow } from '../contract.ts';
import { notFound, QuotaExceededError, StorageError, UploadOffsetError } from '../errors.ts';
import { assertCount, BLOB_CHUNK_BYTES, idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import { sql } from './statements.ts';

interface BlobDbRow {
  blob_id: Buffer;
  vault_id: Buffer;
  account_id: Buffer;
  total_size: number;
  received_size: number;
  created_at: number;
  completed: number;
}

function toUpload(r: BlobDbRow): UploadRow {
  return {
    uploadId: idHex(r.blob_id),
    vaultId: idHex(r.vault_id),
    accountId: idHex(r.account_id),
    totalSize: r.total_size,
    receivedSize: r.received_size,
    createdAt: r.created_at,
    completed: r.completed === 1,
  };
}

function toBlob(r: BlobDbRow): BlobRow {
  return {
    blobId: idHex(r.blob_id),
    vaultId: idHex(r.vault_id),
    accountId: idHex(r.account_id),
    size: r.total_size,
    createdAt: r.created_at,
  };
}

function blobRow(db: Database, id: Buffer): BlobDbRow | undefined {
  return sql(db, 'SELECT * FROM blobs WHERE blob_id = ?').get(id) as BlobDbRow | undefined;
}

export function getBlobUsage(db: Database, accountId: string): BlobUsage {
  const r = sql(
    db,
    'SELECT coalesce(sum(total_size), 0) AS used, count(*) AS n FROM blobs WHERE account_id = ?',
  ).get(idBytes(accountId, 'accountId')) as { used: number; n: number };
  return { usedBytes: r.used, blobCount: r.n };
}

export function createUpload(db: Database, u: NewUpload): UploadRow {
  const id = idBytes(u.uploadId, 'uploadId');
  const vault = idBytes(u.vaultId, 'vaultId');
  const account = idBytes(u.accountId, 'accountId');
  assertCount(u.totalSize, 'totalSize');
  return db
    .transaction((): UploadRow => {
      if (sql(db, 'SELECT 1 FROM accounts WHERE account_id = ?').get(account) === undefined) {
        throw notFound('account');
      }
      // Open uploads count at their declared size, so parallel uploads cannot
      // together overrun the quota.
      const { usedBytes } = getBlobUsage(db, u.accountId);
      if (usedBytes + u.totalSize > u.quotaBytes)
        throw new QuotaExceededError(usedBytes, u.quotaBytes);
      sql(
        db,
        'INSERT INTO blobs (blob_id, vault_id, account_id, total_size, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, vault, account, u.totalSize, u.createdAt);
      return toUpload(blobRow(db, id) as BlobDbRow);
    })
    .immediate();
}

export function getUpload(db: Database, uploadId: string): UploadRow | null {
  const r = blobRow(db, idBytes(uploadId, 'uploadId'));
  return r === undefined ? null : toUpload(r);
}

export function appendUploadChunk(
  db: Database,
  uploadId: string,
  offset: number,
  bytes: Uint8Array,
  now: number,
): number {
  const id = idBytes(uploadId, 'uploadId');
  assertCount(offset, 'offset');
  return db
    .transaction((): number => {
      const r = blobRow(db, id);
      if (r === undefined) throw notFound('upload');
      if (r.completed === 1)
        throw new StorageError('upload_completed', 'upload is already complete');
      if (offset !== r.received_size) throw new UploadOffsetError(r.received_size);
      if (offset + bytes.length > r.total_size) {
        throw new StorageError('upload_too_large', 'chunk goes past the declared upload size');
      }
      const insert = sql(db, 'INSERT INTO blob_chunks (blob_id, offset, data) VALUES (?, ?, ?)');
      for (let at = 0; at < bytes.length; at += BLOB_CHUNK_BYTES) {
        insert.run(id, offset + at, toBuffer(bytes.subarray(at, at + BLOB_CHUNK_BYTES)));
      }
      const received = offset + bytes.length;
      sql(db, 'UPDATE blobs SET received_size = ?, touched_at = ? WHERE blob_id = ?').run(
        received,
        now,
        id,
      );
      return received;
    })
    .immediate();
}

export function completeUpload(db: Database, uploadId: string): BlobRow {
  const id = idBytes(uploadId, 'uploadId');
  return db
    .transaction((): BlobRow => {
      const r = blobRow(db, id);
      if (r === undefined) throw notFound('upload');
      if (r.received_size !== r.total_size) {
        throw new StorageError('upload_incomplete', 'upload has not received all its bytes');
      }
      sql(db, 'UPDATE blobs SET completed = 1 WHERE blob_id = ?').run(id);
      return toBlob(r);
    })
    .immediate();
}

export function getBlob(db: Database, blobId: string): BlobRow | null {
  const r = blobRow(db, idBytes(blobId, 'blobId'));
  return r === undefined || r.completed !== 1 ? null : toBlob(r);
}

export function deleteBlob(db: Database, blobId: string): void {
  sql(db, 'DELETE FROM blobs WHERE blob_id = ?').run(idBytes(blobId, 'blobId'));
}

export function expireUploads(db: Database, untouchedSince: number): number {
  // The expression and condition match the blobs_open index; chunks cascade.
  return sql(
    db,
    'DELETE FROM blobs WHERE completed = 0 AND coalesce(touched_at, created_at) < ?',
  ).run(untouchedSince).changes;
}

/**
 * Yields bytes [start, end). Each step fetches one chunk row by key (no open
 * cursor), so other statements may run on the connection in between.
 */
export async function* readBlob(
  db: Database,
  blobId: string,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  checkRange(getBlob(db, blobId), start, end);
  const id = idBytes(blobId, 'blobId');
  const first = sql(
    db,
    'SELECT offset FROM blob_chunks WHERE blob_id = ? AND offset <= ? ORDER BY offset DESC LIMIT 1',
  ).get(id, start) as { offset: number } | undefined;
  let at = first?.offset ?? 0;
  const next = sql(
    db,
    'SELECT offset, data FROM blob_chunks WHERE blob_id = ? AND offset >= ? ORDER BY offset LIMIT 1',
  );
  while (at < end) {
    const row = next.get(id, at) as { offset: number; data: Buffer } | undefined;
    if (row === undefined) throw new Error('blob chunks are missing');
    const from = Math.max(start - row.offset, 0);
    const to = Math.min(end - row.offset, row.data.length);
    if (to > from) yield toBytes(row.data.subarray(from, to));
    at = row.offset + row.data.length;
  }
}
