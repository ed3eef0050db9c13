/**
 * Blob upload: the plaintext stream is sealed on the fly as a `blob` envelope
 * (DIRECT under the vault's newest key, appContext bound to vaultId and
 * blobId) and sent with the server's resumable upload API: create → PUT
 * chunks at offsets → complete. Only the chunk in flight is held in memory;
 * after an interruption the upload resumes from the size the server says it
 * received.
 */
import { blobAppContext, createSealEnvelopeStream, fromHex } from '@coffer/protocol';
import { backoffDelay } from '../sync/backoff.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError, isTransient } from '../transport/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { VaultKeyring } from '../vault/keyring.ts';

/** Cobblestone-256 chunk, tag and body prefix sizes (SPEC 2, 3.4). */
const CHUNK = 16_384;
const TAG = 16;
const PREFIX = 56;
/** A DIRECT envelope's header has no stanzas: 30 bytes (SPEC 3.1). */
const DIRECT_HEADER = 30;

/**
 * Size of the unsigned DIRECT `blob` envelope of `plaintextSize` bytes (the
 * server wants the total before the first chunk).
 *
 * @example
 * blobEnvelopeSize(0) // 102
 */
export function blobEnvelopeSize(plaintextSize: number): number {
  return DIRECT_HEADER + PREFIX + plaintextSize + (Math.floor(plaintextSize / CHUNK) + 1) * TAG;
}

/** Options of {@link uploadBlob}. */
export interface UploadOptions {
  /** Plaintext size in bytes (the stream must deliver exactly this many). */
  size: number;
  /** Bytes per PUT (default 1 MiB). */
  chunkBytes?: number;
  /** Attempts per chunk before giving up (default 8). */
  maxAttempts?: number;
  /** Called with ciphertext bytes the server acknowledged, and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Collects sealed pieces into PUT-sized chunks without copying more than once. */
class ChunkBuffer {
  #parts: Uint8Array[] = [];
  length = 0;
  push(piece: Uint8Array) {
    this.#parts.push(piece);
    this.length += piece.length;
  }
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    this.#parts = [];
    this.length = 0;
    return out;
  }
}

/**
 * Upload one blob; resolves with its id once the server completed it.
 *
 * @example
 * const blobId = await uploadBlob(ctx, ring, file.stream(), { size: file.size });
 */
export async function uploadBlob(
  ctx: SyncContext,
  ring: VaultKeyring,
  source: ReadableStream<Uint8Array>,
  options: UploadOptions,
): Promise<string> {
  const total = blobEnvelopeSize(options.size);
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const { blobId } = await ctx.transport.createBlob(ring.vaultId, total);
  const sealed = source.pipeThrough(
    createSealEnvelopeStream({
      contentType: 'blob',
      context: blobAppContext(ring.vaultIdBytes, fromHex(blobId)),
      key: ring.current,
    }),
  );
  const progress = (done: number) => {
    ctx.state.setTransfer({ id: blobId, direction: 'upload', done, total });
    options.onProgress?.(done, total);
  };
  const reader = sealed.getReader();
  const buffer = new ChunkBuffer();
  let offset = 0;
  progress(0);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer.push(value);
      if (buffer.length >= chunkBytes || (done && buffer.length > 0)) {
        const chunk = buffer.take();
        if (offset + chunk.length > total) break;
        offset = await putChunk(ctx, ring.vaultId, blobId, offset, chunk, options.maxAttempts ?? 8);
        progress(offset);
      }
      if (done) break;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  if (offset !== total) {
    await reader.cancel().catch(() => {});
    throw new CofferClientError(
      'bad_argument',
      `the blob stream did not deliver the ${options.size} bytes announced`,
    );
  }
  await ctx.transport.completeBlob(ring.vaultId, blobId);
  progress(total);
  return blobId;
}

/**
 * PUT `chunk` (which starts at `offset`), retrying transient failures with
 * backoff; before each retry the server's received size says how much of the
 * chunk already arrived (a lost response), so no byte is sent twice.
 */
async function putChunk(
  ctx: SyncContext,
  vaultId: string,
  blobId: string,
  offset: number,
  chunk: Uint8Array,
  maxAttempts: number,
): Promise<number> {
  const end = offset + chunk.length;
  let from = offset;
  for (let attempt = 1; ; attempt++) {
    try {
      if (from < end) {
        const status = await ctx.transport.uploadChunk(
          vaultId,
          blobId,
          from,
          chunk.subarray(from - offset),
        );
        if (status.received !== end) {
          throw new CofferClientError('invalid_response', 'server acknowledged another size');
        }
      }
      return end;
    } catch (error) {
      if (!isTransient(error) || attempt >= maxAttempts) throw error;
      await sleep(backoffDelay(attempt, ctx.backoff, ctx.random));
      try {
        const status = await ctx.transport.getBlobStatus(vaultId, blobId);
        if (status.received < offset || status.received > end) {
          throw new CofferClientError(
            'invalid_response',
            'server reports an impossible upload size',
          );
        }
        from = status.received;
      } catch (statusError) {
        if (!isTransient(statusError)) throw statusError;
      }
    }
  }
}
