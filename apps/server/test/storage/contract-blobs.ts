/** Contract: resumable uploads, chunked storage, ranged reads, quota. */
import { describe, expect, it } from 'vitest';
import { QuotaExceededError, UploadOffsetError } from '../../src/storage/contract.ts';
import { BLOB_CHUNK_BYTES } from '../../src/storage/ids.ts';
import type { ContractContext } from './contract.ts';
import {
  collect,
  concat,
  createVault,
  expectSameBytes,
  expectStorageError,
  newId,
  randomData,
  T0,
} from './fixtures.ts';

const QUOTA = 8 * 1024 * 1024;

export function blobContract(ctx: ContractContext): void {
  describe('blobs', () => {
    async function upload(totalSize: number, quotaBytes = QUOTA) {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const uploadId = newId();
      const row = await ctx.store.createUpload({
        uploadId,
        vaultId,
        accountId: ownerId,
        totalSize,
        createdAt: T0,
        quotaBytes,
      });
      return { vaultId, ownerId, uploadId, row };
    }

    it('resumes an upload at the received size and rejects any other offset', async () => {
      const data = randomData(1000);
      const { vaultId, ownerId, uploadId, row } = await upload(data.length);
      expect(row).toEqual({
        uploadId,
        vaultId,
        accountId: ownerId,
        totalSize: 1000,
        receivedSize: 0,
        createdAt: T0,
        completed: false,
      });
      expect(await ctx.store.appendUploadChunk(uploadId, 0, data.subarray(0, 400), T0)).toBe(400);
      expect((await ctx.store.getUpload(uploadId))?.receivedSize).toBe(400);
      const wrong = await ctx.store
        .appendUploadChunk(uploadId, 300, data.subarray(300), T0)
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(UploadOffsetError);
      expect((wrong as UploadOffsetError).expectedOffset).toBe(400);
      await expectStorageError(
        ctx.store.appendUploadChunk(uploadId, 0, data, T0),
        'upload_offset_mismatch',
      );
      await expectStorageError(
        ctx.store.appendUploadChunk(uploadId, 400, randomData(601), T0),
        'upload_too_large',
      );
      await expectStorageError(ctx.store.completeUpload(uploadId), 'upload_incomplete');
      expect(await ctx.store.getBlob(uploadId)).toBeNull();
      expect(await ctx.store.appendUploadChunk(uploadId, 400, data.subarray(400), T0)).toBe(1000);
      const blob = await ctx.store.completeUpload(uploadId);
      expect(blob).toEqual({
        blobId: uploadId,
        vaultId,
        accountId: ownerId,
        size: 1000,
        createdAt: T0,
      });
      expect(await ctx.store.getBlob(uploadId)).toEqual(blob);
      expect(await ctx.store.getUpload(uploadId)).toMatchObject({
        completed: true,
        receivedSize: 1000,
      });
      await expectStorageError(
        ctx.store.appendUploadChunk(uploadId, 1000, new Uint8Array(0), T0),
        'upload_completed',
      );
      expect(concat(await collect(ctx.store.readBlob(uploadId, 0, 1000)))).toEqual(data);
      await expectStorageError(ctx.store.appendUploadChunk(newId(), 0, data, T0), 'not_found');
    });

    it('stores large blobs in bounded chunks and serves any byte range', async () => {
      const size = 2 * BLOB_CHUNK_BYTES + 12345;
      const data = randomData(size);
      const { uploadId } = await upload(size);
      // One append bigger than a chunk row, then a small one.
      const split = BLOB_CHUNK_BYTES + 77;
      await ctx.store.appendUploadChunk(uploadId, 0, data.subarray(0, split), T0);
      await ctx.store.appendUploadChunk(uploadId, split, data.subarray(split), T0);
      await ctx.store.completeUpload(uploadId);

      const whole = await collect(ctx.store.readBlob(uploadId, 0, size));
      expect(whole.length).toBeGreaterThanOrEqual(3);
      for (const piece of whole) expect(piece.length).toBeLessThanOrEqual(BLOB_CHUNK_BYTES);
      expectSameBytes(concat(whole), data);
      const ranges: Array<[number, number]> = [
        [0, 1],
        [BLOB_CHUNK_BYTES - 5, BLOB_CHUNK_BYTES + 5],
        [split - 1, split + 1],
        [size - 10, size],
        [500, 500],
        [100, 2 * BLOB_CHUNK_BYTES + 100],
      ];
      for (const [start, end] of ranges) {
        const range = concat(await collect(ctx.store.readBlob(uploadId, start, end)));
        expectSameBytes(range, data.subarray(start, end));
      }
      await expectStorageError(
        collect(ctx.store.readBlob(uploadId, 0, size + 1)),
        'invalid_argument',
      );
      await expectStorageError(collect(ctx.store.readBlob(uploadId, 10, 5)), 'invalid_argument');
      await expectStorageError(collect(ctx.store.readBlob(newId(), 0, 0)), 'not_found');
    });

    it('counts open uploads and blobs against the account quota', async () => {
      const { vaultId, ownerId, uploadId } = await upload(600, 1000);
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 600, blobCount: 1 });
      const second = {
        uploadId: newId(),
        vaultId,
        accountId: ownerId,
        totalSize: 401,
        createdAt: T0,
        quotaBytes: 1000,
      };
      const refused = await ctx.store.createUpload(second).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(QuotaExceededError);
      expect(refused).toMatchObject({ code: 'quota_exceeded', usedBytes: 600, quotaBytes: 1000 });
      expect(await ctx.store.getUpload(second.uploadId)).toBeNull();
      await ctx.store.createUpload({ ...second, totalSize: 400 });
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 1000, blobCount: 2 });
      await ctx.store.deleteBlob(uploadId);
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 400, blobCount: 1 });
      await ctx.store.createUpload({ ...second, uploadId: newId(), totalSize: 600 });
      await expectStorageError(
        ctx.store.createUpload({ ...second, uploadId: newId(), accountId: newId() }),
        'not_found',
      );
    });

    it('expires unfinished uploads untouched since the cutoff, freeing their quota; blobs stay', async () => {
      // Before T0, so the uploads of the other tests (all at T0) are not in reach.
      const OLD = T0 - 30 * 24 * 3600 * 1000;
      const { vaultId, ownerId } = await createVault(ctx.store);
      const make = async (createdAt: number, totalSize = 10) => {
        const uploadId = newId();
        await ctx.store.createUpload({
          uploadId,
          vaultId,
          accountId: ownerId,
          totalSize,
          createdAt,
          quotaBytes: QUOTA,
        });
        return uploadId;
      };
      const idle = await make(OLD, 100); // created, never appended to
      const partial = await make(OLD, 1000); // appended to after the first cutoff
      await ctx.store.appendUploadChunk(partial, 0, randomData(400), OLD + 20);
      const done = await make(OLD); // completed: a blob, never expires
      await ctx.store.appendUploadChunk(done, 0, randomData(10), OLD);
      await ctx.store.completeUpload(done);
      const fresh = await make(OLD + 20);
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 1120, blobCount: 4 });

      expect(await ctx.store.expireUploads(OLD + 10)).toBe(1);
      expect(await ctx.store.getUpload(idle)).toBeNull();
      expect((await ctx.store.getUpload(partial))?.receivedSize).toBe(400);
      expect(await ctx.store.getUpload(fresh)).not.toBeNull();
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 1020, blobCount: 3 });
      expect(await ctx.store.expireUploads(OLD + 10)).toBe(0);

      // Touched at OLD + 20: gone once the cutoff passes it, chunks and all.
      expect(await ctx.store.expireUploads(OLD + 21)).toBe(2);
      expect(await ctx.store.getUpload(partial)).toBeNull();
      expect(await ctx.store.getUpload(fresh)).toBeNull();
      await expectStorageError(
        ctx.store.appendUploadChunk(partial, 400, randomData(600), OLD + 30),
        'not_found',
      );
      expect(await ctx.store.getBlobUsage(ownerId)).toEqual({ usedBytes: 10, blobCount: 1 });
      expect(await collect(ctx.store.readBlob(done, 0, 10))).toHaveLength(1);
    });

    it('keeps blob quota per account under concurrent uploads', async () => {
      const second = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? ctx.store : second).createUpload({
            uploadId: newId(),
            vaultId,
            accountId: ownerId,
            totalSize: 300,
            createdAt: T0,
            quotaBytes: 1000,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect((await ctx.store.getBlobUsage(ownerId)).usedBytes).toBe(900);
    });
  });
}
