/**
 * Blobs on PostgreSQL: resumable uploads whose bytes land in rows of at
 * most 1 MiB, read back one row per query so no blob is ever whole in
 * memory. The blob id is the upload id.
 */
import type pg from 'pg';
import { checkRange } from '../blob-rules.ts';
import type { BlobRow, BlobUsage, NewUpload, UploadRow } from '../contract.ts';
import { notFound, QuotaExceededError, StorageError, UploadOffsetError } from '../errors.ts';
import { assertCount, BLOB_CHUNK_BYTES, idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import { type Db, query, rows, transaction } from './database.ts';

interface BlobDbRow {
  blob_id: Buffer;
  vault_id: Buffer;
  account_id: Buffer;
  total_size: number;
  received_size: number;
  created_at: number;
  completed: boolean;
}

function toUpload(r: BlobDbRow): UploadRow {
  return {
    uploadId: idHex(r.blob_id),
    vaultId: idHex(r.vault_id),
    accountId: idHex(r.account_id),
    totalSize: r.total_size,
    receivedSize: r.received_size,
    createdAt: r.created_at,
    completed: r.completed,
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

async function blobRow(db: Db, id: Buffer, lock = false): Promise<BlobDbRow | undefined> {
  const [r] = await rows<BlobDbRow>(
    db,
    `SELECT * FROM blobs WHERE blob_id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
    [id],
  );
  return r;
}

export async function getBlobUsage(db: Db, accountId: string): Promise<BlobUsage> {
  const [r] = await rows<{ used: number; n: number }>(
    db,
    'SELECT coalesce(sum(total_size), 0)::bigint AS used, count(*) AS n FROM blobs WHERE account_id = $1',
    [idBytes(accountId, 'accountId')],
  );
  return { usedBytes: r?.used ?? 0, blobCount: r?.n ?? 0 };
}

export async function createUpload(pool: pg.Pool, u: NewUpload): Promise<UploadRow> {
  const id = idBytes(u.uploadId, 'uploadId');
  const vault = idBytes(u.vaultId, 'vaultId');
  const account = idBytes(u.accountId, 'accountId');
  assertCount(u.totalSize, 'totalSize');
  return transaction(pool, async (tx) => {
    // Locking the account row serialises this account's quota checks across
    // instances; open uploads count at their declared size.
    const locked = await rows(
      tx,
      'SELECT 1 FROM accounts WHERE account_id = $1 FOR NO KEY UPDATE',
      [account],
    );
    if (locked.length === 0) throw notFound('account');
    const { usedBytes } = await getBlobUsage(tx, u.accountId);
    if (usedBytes + u.totalSize > u.quotaBytes)
      throw new QuotaExceededError(usedBytes, u.quotaBytes);
    const [r] = await rows<BlobDbRow>(
      tx,
      `INSERT INTO blobs (blob_id, vault_id, account_id, total_size, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, vault, account, u.totalSize, u.createdAt],
    );
    return toUpload(r as BlobDbRow);
  });
}

export async function getUpload(db: Db, uploadId: string): Promise<UploadRow | null> {
  const r = await blobRow(db, idBytes(uploadId, 'uploadId'));
  return r === undefined ? null : toUpload(r);
}

export async function appendUploadChunk(
  pool: pg.Pool,
  uploadId: string,
  offset: number,
  bytes: Uint8Array,
  now: number,
): Promise<number> {
  const id = idBytes(uploadId, 'uploadId');
  assertCount(offset, 'offset');
  return transaction(pool, async (tx) => {
    // The row lock makes two racing appends at one offset: one wins, the
    // other then sees the new size and gets an offset mismatch.
    const r = await blobRow(tx, id, true);
    if (r === undefined) throw notFound('upload');
    if (r.completed) throw new StorageError('upload_completed', 'upload is already complete');
    if (offset !== r.received_size) throw new UploadOffsetError(r.received_size);
    if (offset + bytes.length > r.total_size) {
      throw new StorageError('upload_too_large', 'chunk goes past the declared upload size');
    }
    for (let at = 0; at < bytes.length; at += BLOB_CHUNK_BYTES) {
      await query(tx, 'INSERT INTO blob_chunks (blob_id, "offset", data) VALUES ($1, $2, $3)', [
        id,
        offset + at,
        toBuffer(bytes.subarray(at, at + BLOB_CHUNK_BYTES)),
      ]);
    }
    const received = offset + bytes.length;
    await query(tx, 'UPDATE blobs SET received_size = $1, touched_at = $2 WHERE blob_id = $3', [
      received,
      now,
      id,
    ]);
    return received;
  });
}

export async function completeUpload(pool: pg.Pool, uploadId: string): Promise<BlobRow> {
  const id = idBytes(uploadId, 'uploadId');
  return transaction(pool, async (tx) => {
    const r = await blobRow(tx, id, true);
    if (r === undefined) throw notFound('upload');
    if (r.received_size !== r.total_size) {
      throw new StorageError('upload_incomplete', 'upload has not received all its bytes');
    }
    await query(tx, 'UPDATE blobs SET completed = true WHERE blob_id = $1', [id]);
    return toBlob(r);
  });
}

export async function getBlob(db: Db, blobId: string): Promise<BlobRow | null> {
  const r = await blobRow(db, idBytes(blobId, 'blobId'));
  return r === undefined || !r.completed ? null : toBlob(r);
}

export async function deleteBlob(db: Db, blobId: string): Promise<void> {
  await query(db, 'DELETE FROM blobs WHERE blob_id = $1', [idBytes(blobId, 'blobId')]);
}

export async function expireUploads(db: Db, untouchedSince: number): Promise<number> {
  // The expression and condition match the blobs_open index; chunks cascade.
  const result = await query(
    db,
    'DELETE FROM blobs WHERE NOT completed AND coalesce(touched_at, created_at) < $1',
    [untouchedSince],
  );
  return result.rowCount ?? 0;
}

/** Yields bytes [start, end), one chunk row per query (no held connection). */
export async function* readBlob(
  pool: pg.Pool,
  blobId: string,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  checkRange(await getBlob(pool, blobId), start, end);
  const id = idBytes(blobId, 'blobId');
  const [first] = await rows<{ offset: number }>(
    pool,
    'SELECT "offset" FROM blob_chunks WHERE blob_id = $1 AND "offset" <= $2 ORDER BY "offset" DESC LIMIT 1',
    [id, start],
  );
  let at = first?.offset ?? 0;
  while (at < end) {
    const [row] = await rows<{ offset: number; data: Buffer }>(
      pool,
      'SELECT "offset", data FROM blob_chunks WHERE blob_id = $1 AND "offset" >= $2 ORDER BY "offset" LIMIT 1',
      [id, at],
    );
    if (row === undefined) throw new Error('blob chunks are missing');
    const from = Math.max(start - row.offset, 0);
    const to = Math.min(end - row.offset, row.data.length);
    if (to > from) yield toBytes(row.data.subarray(from, to));
    at = row.offset + row.data.length;
  }
}
