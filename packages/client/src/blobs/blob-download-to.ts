/**
 * Blob download into a sink that keeps what it was given (a file), resumable
 * across processes: the journal records how many plaintext bytes the sink
 * has taken, and a new run continues from there with a Range request read
 * through the protocol's envelope range reader. The reader checks the header
 * and the commitment, then authenticates every 16 KiB chunk it decrypts, and
 * the final chunk is always decrypted, so the sink only ever receives
 * authentic bytes of exactly this (vaultId, blobId) and the full length is
 * proven before the download reports success.
 */
import { blobAppContext, createEnvelopeRangeReader, fromHex } from '@coffer/protocol';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError } from '../transport/errors.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { DownloadOptions } from './blob-download.ts';
import { blobEnvelopeSize } from './blob-layout.ts';
import { rangedSource } from './ranged-source.ts';
import type { DownloadJournalEntry, TransferJournal } from './transfer-journal.ts';

/** Where a resumable download writes; what it holds must survive the process. */
export interface BlobSink {
  /**
   * A stream that writes at plaintext byte `offset`: keep the first `offset`
   * bytes from an earlier run, drop anything after them.
   */
  open(offset: number): WritableStream<Uint8Array> | Promise<WritableStream<Uint8Array>>;
}

/** Options of {@link downloadBlobTo}. */
export interface DownloadToOptions extends DownloadOptions {
  /** Plaintext bytes decrypted and written per step (default 1 MiB). */
  windowBytes?: number;
  /** Stops the download; what was written stays, and the journal with it. */
  signal?: AbortSignal;
}

/**
 * Download the blob into `sink`, continuing a journalled earlier run of the
 * same blob. Resolves once every byte is written and authenticated.
 *
 * @example
 * await downloadBlobTo(ctx, ring, blobId, size, fileSink('/tmp/video.mp4'), journal);
 */
export async function downloadBlobTo(
  ctx: SyncContext,
  ring: VaultKeyring,
  blobId: string,
  size: number,
  sink: BlobSink,
  journal: TransferJournal<DownloadJournalEntry>,
  options: DownloadToOptions = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  const earlier = await journal.load();
  const same =
    earlier?.vaultId === ring.vaultId && earlier.blobId === blobId && earlier.size === size;
  let written = same && earlier.written <= size ? earlier.written : 0;
  const entry: DownloadJournalEntry = { v: 1, vaultId: ring.vaultId, blobId, size, written };
  const total = blobEnvelopeSize(size);
  const progress = (done: number) => {
    ctx.state.setTransfer({ id: blobId, direction: 'download', done, total });
    options.onProgress?.(done, total);
  };
  const source = rangedSource(ctx, ring.vaultId, blobId, total, {
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onBytes: (end) => {
      if (end < total) progress(end);
    },
  });
  let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  try {
    const reader = await createEnvelopeRangeReader(source, {
      context: blobAppContext(ring.vaultIdBytes, fromHex(blobId)),
      keys: ring.keys,
      contentType: 'blob',
    });
    if (reader.plaintextLength !== size) {
      throw new CofferClientError('invalid_response', 'blob size does not match its record');
    }
    await journal.save({ ...entry, written });
    writer = (await sink.open(written)).getWriter();
    const window = options.windowBytes ?? 1024 * 1024;
    while (written < size) {
      options.signal?.throwIfAborted();
      const plain = await reader.read(written, Math.min(window, size - written));
      await writer.write(plain);
      written += plain.length;
      await journal.save({ ...entry, written });
    }
    // Authenticates the length even when no read reached the final (short) chunk.
    await reader.verifyLength();
    await writer.close();
    writer = undefined;
    await journal.clear();
    progress(total);
  } catch (error) {
    await writer?.abort(error).catch(() => {});
    ctx.state.setTransfer({ id: blobId, direction: 'download', done: total, total });
    throw error;
  } finally {
    await source.close();
  }
}
