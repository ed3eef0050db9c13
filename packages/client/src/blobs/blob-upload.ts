/**
 * Blob upload: the plaintext stream is sealed on the fly as a `blob` envelope
 * (DIRECT under the vault's newest key, appContext bound to vaultId and
 * blobId) and sent with the server's resumable upload API: create → PUT
 * chunks at offsets → complete. Only the chunk in flight is held in memory.
 *
 * Resuming: within one process a failed PUT is retried from the size the
 * server received. Across processes (with a journal), the new run reads the
 * source again from its start and seals it to the same bytes (same header and
 * salt); PUTs the server already holds are hashed, not sent, and must match
 * the journal's hash chain (and the digest of the PUT that was in flight)
 * before anything new leaves: a changed source is caught before its bytes
 * could be sealed under a nonce already used for other plaintext.
 */
import { constantTimeEqual, fromHex, sha256, toHex } from '@coffer/protocol';
import { backoffDelay } from '../sync/backoff.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError, isTransient } from '../transport/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { abortable } from './abortable.ts';
import { blobEnvelopeSize } from './blob-layout.ts';
import { sealBlobStream } from './blob-sealer.ts';
import type { TransferJournal, UploadJournalEntry } from './transfer-journal.ts';
import { startUpload } from './upload-start.ts';

export { blobEnvelopeSize } from './blob-layout.ts';

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
  /** Stops the upload (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Collects sealed pieces into PUT chunks of exactly `size` bytes (the last may
 * be shorter): PUT boundaries must not depend on how the stream happened to
 * cut its pieces, since a resumed run re-derives them to check what was sent.
 */
class ChunkBuffer {
  #parts: Uint8Array[] = [];
  length = 0;
  push(piece: Uint8Array) {
    this.#parts.push(piece);
    this.length += piece.length;
  }
  take(size: number): Uint8Array {
    const out = new Uint8Array(Math.min(size, this.length));
    let at = 0;
    while (at < out.length) {
      const part = this.#parts[0]!;
      const used = Math.min(part.length, out.length - at);
      out.set(part.subarray(0, used), at);
      at += used;
      if (used === part.length) this.#parts.shift();
      else this.#parts[0] = part.subarray(used);
    }
    this.length -= out.length;
    return out;
  }
}

/** The source read again from its start does not seal to what the server holds. */
export function sourceChanged(): CofferClientError {
  return new CofferClientError(
    'blob_source_changed',
    'the file differs from the one whose upload was interrupted; upload it again from the start',
  );
}

const NO_DIGEST = new Uint8Array(32);

/** The source delivered another number of bytes than announced. */
function tooLong(size: number): CofferClientError {
  return new CofferClientError(
    'bad_argument',
    `the blob stream did not deliver the ${size} bytes announced`,
  );
}

async function chained(chain: Uint8Array, digest: Uint8Array): Promise<Uint8Array> {
  const both = new Uint8Array(64);
  both.set(chain);
  both.set(digest, 32);
  return sha256(both);
}

/**
 * Upload one blob; resolves with its id once the server completed it. With a
 * journal that holds an earlier run's progress, `source` must deliver the
 * same bytes from the start; they are checked, and only the rest is sent.
 *
 * @example
 * const blobId = await uploadBlob(ctx, ring, file.stream(), { size: file.size }, journal);
 */
export async function uploadBlob(
  ctx: SyncContext,
  ring: VaultKeyring,
  source: ReadableStream<Uint8Array>,
  options: UploadOptions,
  journal: TransferJournal<UploadJournalEntry>,
): Promise<string> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const total = blobEnvelopeSize(options.size);
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const { entry, key, sealing, received } = await startUpload(
    ctx,
    ring,
    journal,
    options.size,
    chunkBytes,
  );
  const blobId = entry.blobId;
  const reader = sealBlobStream(source, sealing, key, ring.vaultIdBytes, blobId).getReader();
  const progress = (done: number) => {
    ctx.state.setTransfer({ id: blobId, direction: 'upload', done, total });
    options.onProgress?.(done, total);
  };
  const buffer = new ChunkBuffer();
  let offset = 0;
  let chain: Uint8Array = new Uint8Array(32);
  progress(0);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { value, done } = await abortable(reader.read(), signal);
      if (value) buffer.push(value);
      while (buffer.length >= chunkBytes || (done && buffer.length > 0)) {
        const chunk = buffer.take(chunkBytes);
        const end = offset + chunk.length;
        if (end > total) throw tooLong(options.size);
        // Digests exist for a later run to check against; without a journal nobody will.
        const digest = journal.persistent ? await sha256(chunk) : NO_DIGEST;
        if (end <= received) {
          // Already on the server: the same bytes or nothing goes further.
          let same: boolean;
          if (end <= entry.acked) {
            chain = await chained(chain, digest);
            same = end < entry.acked || constantTimeEqual(chain, fromHex(entry.chain));
          } else {
            const pending = entry.pending;
            same =
              pending !== null &&
              end === pending.end &&
              constantTimeEqual(digest, fromHex(pending.digest));
            chain = await chained(chain, digest);
          }
          if (!same) throw sourceChanged();
          offset = end;
          progress(offset);
        } else {
          if (offset < received) throw sourceChanged();
          // The PUT in flight when the last run stopped may have left this device even if
          // the server says otherwise: its bytes must not be sealed again from other plaintext.
          const pending = entry.pending;
          if (
            pending !== null &&
            end === pending.end &&
            !constantTimeEqual(digest, fromHex(pending.digest))
          ) {
            throw sourceChanged();
          }
          signal?.throwIfAborted();
          // Journal first: a restart must know this PUT may have landed.
          await journal.save({
            ...entry,
            acked: offset,
            chain: toHex(chain),
            pending: { end, digest: toHex(digest) },
          });
          offset = await abortable(
            putChunk(ctx, ring.vaultId, blobId, offset, chunk, options),
            signal,
          );
          if (journal.persistent) chain = await chained(chain, digest);
          progress(offset);
        }
      }
      if (done) break;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    // A failed transfer is no longer running (done = total drops it from the state).
    ctx.state.setTransfer({ id: blobId, direction: 'upload', done: total, total });
    throw error;
  }
  if (offset !== total) throw tooLong(options.size);
  await journal.save({ ...entry, acked: total, chain: toHex(chain), pending: null });
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
  options: UploadOptions,
): Promise<number> {
  const end = offset + chunk.length;
  const maxAttempts = options.maxAttempts ?? 8;
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
      await sleep(backoffDelay(attempt, ctx.backoff, ctx.random), options.signal);
      options.signal?.throwIfAborted();
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
