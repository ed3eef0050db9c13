/**
 * Blobs: large encrypted content, uploaded resumably in chunks and downloaded
 * by range. The bytes are a `blob` envelope the server never opens.
 */
import { z } from 'zod';
import { HexId, queryInt, Timestamp } from './common.ts';
import { lazySchema } from './lazy-schema.ts';

/** `POST /v1/vaults/{vaultId}/blobs`: announce an upload of `size` bytes. */
export const CreateBlobRequest = lazySchema(() =>
  z
    .strictObject({ size: z.int().min(1).max(Number.MAX_SAFE_INTEGER) })
    .meta({ id: 'CreateBlobRequest' }),
);
export type CreateBlobRequest = z.infer<typeof CreateBlobRequest>;

/** Where an upload stands; `received` is the offset of the next chunk. */
export const BlobStatus = lazySchema(() =>
  z
    .strictObject({
      blobId: HexId,
      size: z.int().min(0),
      received: z.int().min(0),
      complete: z.boolean(),
      createdAt: Timestamp,
    })
    .meta({ id: 'BlobStatus' }),
);
export type BlobStatus = z.infer<typeof BlobStatus>;

/** Query of `PUT /v1/vaults/{vaultId}/blobs/{blobId}/chunks` (body: application/octet-stream). */
export const ChunkQuery = lazySchema(() =>
  z.strictObject({
    offset: queryInt(z.int().min(0).max(Number.MAX_SAFE_INTEGER)),
  }),
);
export type ChunkQuery = z.infer<typeof ChunkQuery>;
