/**
 * Blob download: the envelope bytes arrive as a stream, resumed with an HTTP
 * range after a dropped connection, and are opened chunk by chunk with the
 * protocol's streaming reader; only authenticated plaintext is released, and
 * the stream errors (the caller must discard what it wrote) on any tampering,
 * truncation or size mismatch.
 */
import { blobAppContext, createOpenEnvelopeStream, fromHex } from '@coffer/protocol';
import { backoffDelay } from '../sync/backoff.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError, isTransient } from '../transport/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { blobEnvelopeSize } from './blob-layout.ts';

/** Options of {@link downloadBlob}. */
export interface DownloadOptions {
  /** Attempts per connection drop before giving up (default 8). */
  maxAttempts?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The envelope bytes of a blob; a broken connection is resumed at the byte it broke. */
function rangedEnvelope(
  ctx: SyncContext,
  vaultId: string,
  blobId: string,
  total: number,
  options: DownloadOptions,
): ReadableStream<Uint8Array> {
  let received = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const progress = () => {
    ctx.state.setTransfer({ id: blobId, direction: 'download', done: received, total });
    options.onProgress?.(received, total);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (let attempt = 1; ; attempt++) {
        try {
          reader ??= (await ctx.transport.downloadBlob(vaultId, blobId, received)).getReader();
          const { value, done } = await reader.read();
          if (done) {
            reader = undefined;
            // A clean end before the announced size is a dropped connection too.
            if (received < total) throw new TypeError('blob download ended early');
            controller.close();
            return;
          }
          received += value.length;
          if (received > total) throw new CofferClientError('invalid_response', 'blob is too long');
          progress();
          controller.enqueue(value);
          return;
        } catch (error) {
          reader?.cancel().catch(() => {});
          reader = undefined;
          // Errors of the body stream itself (reset, terminated) are not typed.
          const transient = isTransient(error) || !(error instanceof CofferClientError);
          if (!transient || attempt >= (options.maxAttempts ?? 8)) {
            // A failed transfer is no longer running (done = total drops it from the state).
            ctx.state.setTransfer({ id: blobId, direction: 'download', done: total, total });
            throw error;
          }
          await sleep(backoffDelay(attempt, ctx.backoff, ctx.random));
        }
      }
    },
    async cancel() {
      ctx.state.setTransfer({ id: blobId, direction: 'download', done: total, total });
      await reader?.cancel().catch(() => {});
    },
  });
}

/**
 * The plaintext of a blob as a stream. It errors unless every byte
 * authenticates under the vault's keys for exactly this (vaultId, blobId) and
 * the length equals `size` (from the record that references the blob).
 *
 * @example
 * const plain = downloadBlob(ctx, ring, blobId, size);
 * await plain.pipeTo(fileSink);
 */
export function downloadBlob(
  ctx: SyncContext,
  ring: VaultKeyring,
  blobId: string,
  size: number,
  options: DownloadOptions = {},
): ReadableStream<Uint8Array> {
  const total = blobEnvelopeSize(size);
  const opener = createOpenEnvelopeStream({
    context: blobAppContext(ring.vaultIdBytes, fromHex(blobId)),
    keys: ring.keys,
    contentType: 'blob',
  });
  let produced = 0;
  const checkLength = new TransformStream<Uint8Array, Uint8Array>({
    transform(piece, controller) {
      produced += piece.length;
      if (produced > size)
        throw new CofferClientError('invalid_response', 'blob is longer than its record says');
      controller.enqueue(piece);
    },
    flush() {
      if (produced !== size)
        throw new CofferClientError('invalid_response', 'blob is shorter than its record says');
    },
  });
  return rangedEnvelope(ctx, ring.vaultId, blobId, total, options)
    .pipeThrough(opener)
    .pipeThrough(checkLength);
}
