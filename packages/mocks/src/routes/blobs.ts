/**
 * Blobs: resumable chunked upload (create → PUT chunks at the current offset
 * → complete) and ranged download, with the server's limits, quota and
 * tenancy (an unfinished upload exists only for its uploader).
 */
import {
  type BlobStatus,
  ChunkQuery,
  CreateBlobRequest,
  HexId,
  parseByteRange,
} from '@coffer/protocol';
import { HttpResponse } from 'msw';
import type { UploadRow } from '../db/types.ts';
import { bodyValue } from '../http/body.ts';
import { requireRole } from '../http/guards.ts';
import { ApiError, parseInput } from '../http/problem.ts';
import type { RouteContext, RouteDef } from '../http/route.ts';
import { iso, newId } from '../util.ts';
import { MOCK_LIMITS } from './meta.ts';

const blobNotFound = (): ApiError => new ApiError('not_found', 'no such blob');

function status(u: UploadRow): BlobStatus {
  return {
    blobId: u.blobId,
    size: u.size,
    received: u.received,
    complete: u.complete,
    createdAt: iso(u.createdAt),
  };
}

/** Any upload of this vault (completed ones are visible to every member). */
function uploadIn(ctx: RouteContext): UploadRow {
  const id = HexId.safeParse(ctx.params.blobId);
  const upload = id.success ? ctx.mock.db.uploads.get(id.data) : undefined;
  if (!upload || upload.vaultId !== ctx.params.vaultId) throw blobNotFound();
  return upload;
}

/** The caller's own upload in this vault (others' uploads do not exist for them). */
function myUpload(ctx: RouteContext): UploadRow {
  const upload = uploadIn(ctx);
  if (upload.accountId !== ctx.caller.accountId) throw blobNotFound();
  return upload;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const blobRoutes: RouteDef[] = [
  {
    operationId: 'createBlob',
    handle: (ctx) => {
      const vaultId = ctx.params.vaultId ?? '';
      requireRole(ctx.mock.db, vaultId, ctx.caller.accountId, 'writer');
      const input = parseInput(CreateBlobRequest, bodyValue(ctx.body));
      if (input.size > MOCK_LIMITS.maxBlobBytes)
        throw new ApiError(
          'payload_too_large',
          `a blob may hold at most ${MOCK_LIMITS.maxBlobBytes} bytes`,
        );
      if (ctx.mock.db.usedBytes(ctx.caller.accountId) + input.size > MOCK_LIMITS.accountQuotaBytes)
        throw new ApiError('quota_exceeded', 'blob storage quota exceeded');
      const upload: UploadRow = {
        blobId: newId(),
        vaultId,
        accountId: ctx.caller.accountId,
        size: input.size,
        chunks: [],
        received: 0,
        complete: false,
        createdAt: ctx.mock.db.now(),
      };
      ctx.mock.db.uploads.set(upload.blobId, upload);
      return HttpResponse.json(status(upload), { status: 201 });
    },
  },
  {
    operationId: 'getBlobStatus',
    handle: (ctx) => {
      requireRole(ctx.mock.db, ctx.params.vaultId ?? '', ctx.caller.accountId, 'reader');
      const upload = uploadIn(ctx);
      if (!upload.complete && upload.accountId !== ctx.caller.accountId) throw blobNotFound();
      return HttpResponse.json(status(upload));
    },
  },
  {
    operationId: 'uploadChunk',
    bodyLimit: MOCK_LIMITS.maxBlobChunkBytes,
    handle: (ctx) => {
      requireRole(ctx.mock.db, ctx.params.vaultId ?? '', ctx.caller.accountId, 'writer');
      const upload = myUpload(ctx);
      const query = parseInput(ChunkQuery, Object.fromEntries(ctx.url.searchParams), 'query');
      if (ctx.body.kind !== 'bytes')
        throw new ApiError('unsupported_media_type', 'send the chunk as application/octet-stream');
      const bytes = ctx.body.value;
      if (bytes.length === 0) throw new ApiError('bad_request', 'empty chunk');
      if (upload.complete) throw new ApiError('conflict', 'upload is already complete');
      if (query.offset !== upload.received)
        throw new ApiError('conflict', `upload must continue at offset ${upload.received}`);
      if (query.offset + bytes.length > upload.size)
        throw new ApiError('payload_too_large', 'chunk goes past the declared upload size');
      upload.chunks.push(bytes.slice());
      upload.received += bytes.length;
      return HttpResponse.json(status(upload));
    },
  },
  {
    operationId: 'completeBlob',
    handle: (ctx) => {
      requireRole(ctx.mock.db, ctx.params.vaultId ?? '', ctx.caller.accountId, 'writer');
      const upload = myUpload(ctx);
      if (!upload.complete && upload.received !== upload.size)
        throw new ApiError('conflict', 'upload has not received all its bytes');
      upload.complete = true;
      return HttpResponse.json(status(upload));
    },
  },
  {
    operationId: 'deleteBlob',
    handle: (ctx) => {
      const role = requireRole(
        ctx.mock.db,
        ctx.params.vaultId ?? '',
        ctx.caller.accountId,
        'writer',
      );
      const blob = uploadIn(ctx);
      if (!blob.complete) {
        // An unfinished upload exists only for its uploader, who may abandon it:
        // otherwise a client that crashed and started over holds its quota forever.
        if (blob.accountId !== ctx.caller.accountId) throw blobNotFound();
        ctx.mock.db.uploads.delete(blob.blobId);
        return new Response(null, { status: 204 });
      }
      // Writers delete their own blobs; owners and admins any blob of the vault.
      if (blob.accountId !== ctx.caller.accountId && role === 'writer')
        throw new ApiError(
          'forbidden',
          'only the uploader, an admin or the owner may delete this blob',
        );
      ctx.mock.db.uploads.delete(blob.blobId);
      return new Response(null, { status: 204 });
    },
  },
  {
    operationId: 'downloadBlob',
    handle: (ctx) => {
      requireRole(ctx.mock.db, ctx.params.vaultId ?? '', ctx.caller.accountId, 'reader');
      const blob = uploadIn(ctx);
      if (!blob.complete) throw blobNotFound();
      let [start, end] = [0, blob.size];
      const headers: Record<string, string> = {
        'accept-ranges': 'bytes',
        'content-type': 'application/octet-stream',
      };
      const range = ctx.request.headers.get('range');
      let code = 200;
      if (range !== null) {
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
        code = 206;
        headers['content-range'] = `bytes ${start}-${end - 1}/${blob.size}`;
      }
      headers['content-length'] = String(end - start);
      const bytes = concat(blob.chunks, blob.size).slice(start, end);
      return new Response(bytes, { status: code, headers });
    },
  },
];
