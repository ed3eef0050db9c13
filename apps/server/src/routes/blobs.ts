/**
 * Blobs: resumable chunked upload (create → PUT chunks at the current offset →
 * complete) and ranged download, streamed from the store chunk by chunk. Sizes
 * are bounded per blob and per account (quota).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { newId } from '../auth/tokens.ts';
import { callerOf, requireRole, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { ApiError, parseInput } from '../http/errors.ts';
import {
  type BlobStatus,
  ChunkQuery,
  CreateBlobRequest,
  HexId,
  parseByteRange,
} from '../protocol.ts';
import type { UploadRow } from '../storage/contract.ts';

type BlobParams = { Params: { vaultId: string; blobId: string } };
type VaultParams = { Params: { vaultId: string } };

const blobNotFound = (): ApiError => new ApiError('not_found', 'no such blob');

function status(u: UploadRow): BlobStatus {
  return {
    blobId: u.uploadId,
    size: u.totalSize,
    received: u.receivedSize,
    complete: u.completed,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

/** The one route whose body is raw bytes (application/octet-stream). */
export const BLOB_CHUNK_ROUTE = '/v1/vaults/:vaultId/blobs/:blobId/chunks';

export function blobRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = { preHandler: requireSession(ctx) };

  /** The caller's own upload in this vault (others' uploads do not exist for them). */
  async function myUpload(vaultId: string, rawId: string, accountId: string): Promise<UploadRow> {
    const id = HexId.safeParse(rawId);
    const upload = id.success ? await ctx.store.getUpload(id.data) : null;
    if (!upload || upload.vaultId !== vaultId || upload.accountId !== accountId)
      throw blobNotFound();
    return upload;
  }

  app.post<VaultParams>('/v1/vaults/:vaultId/blobs', auth, async (request, reply) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'writer');
    const body = parseInput(CreateBlobRequest, request.body);
    if (body.size > ctx.limits.maxBlobBytes) {
      throw new ApiError(
        'payload_too_large',
        `a blob may hold at most ${ctx.limits.maxBlobBytes} bytes`,
      );
    }
    const upload = await ctx.store.createUpload({
      uploadId: newId(),
      vaultId,
      accountId: caller.accountId,
      totalSize: body.size,
      createdAt: ctx.now(),
      quotaBytes: ctx.limits.accountQuotaBytes,
    });
    return reply.code(201).send(status(upload));
  });

  app.get<BlobParams>('/v1/vaults/:vaultId/blobs/:blobId', auth, async (request) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'reader');
    const id = HexId.safeParse(request.params.blobId);
    const upload = id.success ? await ctx.store.getUpload(id.data) : null;
    if (!upload || upload.vaultId !== vaultId) throw blobNotFound();
    // Members see completed blobs; an unfinished upload only its uploader.
    if (!upload.completed && upload.accountId !== caller.accountId) throw blobNotFound();
    return status(upload);
  });

  app.put<BlobParams>(
    BLOB_CHUNK_ROUTE,
    { ...auth, bodyLimit: ctx.limits.maxBlobChunkBytes },
    async (request) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      await requireRole(ctx, vaultId, caller.accountId, 'writer');
      const upload = await myUpload(vaultId, request.params.blobId, caller.accountId);
      const query = parseInput(ChunkQuery, request.query, 'query');
      if (!Buffer.isBuffer(request.body)) {
        throw new ApiError('unsupported_media_type', 'send the chunk as application/octet-stream');
      }
      if (request.body.length === 0) throw new ApiError('bad_request', 'empty chunk');
      await ctx.store.appendUploadChunk(
        upload.uploadId,
        query.offset,
        new Uint8Array(request.body),
        ctx.now(),
      );
      const after = await ctx.store.getUpload(upload.uploadId);
      if (!after) throw blobNotFound();
      return status(after);
    },
  );

  app.post<BlobParams>('/v1/vaults/:vaultId/blobs/:blobId/complete', auth, async (request) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'writer');
    const upload = await myUpload(vaultId, request.params.blobId, caller.accountId);
    if (!upload.completed) await ctx.store.completeUpload(upload.uploadId);
    const after = await ctx.store.getUpload(upload.uploadId);
    if (!after) throw blobNotFound();
    return status(after);
  });

  app.delete<BlobParams>('/v1/vaults/:vaultId/blobs/:blobId', auth, async (request, reply) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    const role = await requireRole(ctx, vaultId, caller.accountId, 'writer');
    const id = HexId.safeParse(request.params.blobId);
    const blob = id.success ? await ctx.store.getBlob(id.data) : null;
    if (!blob || blob.vaultId !== vaultId) {
      // An unfinished upload exists only for its uploader, who may abandon it:
      // otherwise a client that crashed and started over holds its quota forever.
      const upload = await myUpload(vaultId, request.params.blobId, caller.accountId);
      if (upload.completed) throw blobNotFound();
      await ctx.store.deleteBlob(upload.uploadId);
      return reply.code(204).send();
    }
    // Writers delete their own blobs; owners and admins any blob of the vault.
    if (blob.accountId !== caller.accountId && role === 'writer') {
      throw new ApiError(
        'forbidden',
        'only the uploader, an admin or the owner may delete this blob',
      );
    }
    await ctx.store.deleteBlob(blob.blobId);
    return reply.code(204).send();
  });

  app.get<BlobParams>('/v1/vaults/:vaultId/blobs/:blobId/content', auth, async (request, reply) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'reader');
    const id = HexId.safeParse(request.params.blobId);
    const blob = id.success ? await ctx.store.getBlob(id.data) : null;
    if (!blob || blob.vaultId !== vaultId) throw blobNotFound();
    let start = 0;
    let end = blob.size;
    const range = request.headers.range;
    reply.header('accept-ranges', 'bytes');
    if (typeof range === 'string') {
      const parsed = parseByteRange(range, blob.size);
      if (parsed === 'invalid') {
        throw new ApiError(
          'range_not_satisfiable',
          'one range within the blob, as bytes=a-b',
          {},
          {
            'content-range': `bytes */${blob.size}`,
          },
        );
      }
      [start, end] = parsed;
      reply.code(206).header('content-range', `bytes ${start}-${end - 1}/${blob.size}`);
    }
    reply.header('content-length', String(end - start));
    return reply
      .type('application/octet-stream')
      .send(Readable.from(ctx.store.readBlob(blob.blobId, start, end)));
  });
}
