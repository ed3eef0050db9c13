/**
 * Blobs by name: large content streamed to and from the server, never held
 * whole in memory, referenced from a record (whose envelope carries the
 * blob's id and plaintext size, so a server cannot swap or truncate it).
 */
import type { RecordEntry, RecordsApi } from '../records/records-api.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError } from '../transport/errors.ts';
import { type DownloadOptions, downloadBlob } from './blob-download.ts';
import { type BlobSink, type DownloadToOptions, downloadBlobTo } from './blob-download-to.ts';
import { type UploadOptions, uploadBlob } from './blob-upload.ts';
import { DownloadJournalEntry, transferJournal, UploadJournalEntry } from './transfer-journal.ts';

/** Options of {@link BlobsApi.put}. */
export interface PutBlobOptions extends UploadOptions {
  /** Type label of the record (default `application/octet-stream`). */
  type?: string;
  /** JSON metadata stored in the record beside the reference (default null). */
  value?: unknown;
  /**
   * Keep the upload's progress in the local store under this key (a file
   * path, say): a later `put` with the same key, even from a new process,
   * resumes where the server stopped. The source must then be re-readable
   * from its start (it is checked against what was sent before).
   */
  resumeKey?: string;
}

/** Options of {@link BlobsApi.download}. */
export interface DownloadBlobOptions extends DownloadToOptions {
  /** Keep the download's progress in the local store under this key; see {@link PutBlobOptions.resumeKey}. */
  resumeKey?: string;
}

/** A stream, or a way to open it again from its start (lets a changed source restart cleanly). */
export type BlobSource = ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>);

export class BlobsApi {
  readonly #ctx: SyncContext;
  readonly #records: RecordsApi;

  constructor(ctx: SyncContext, records: RecordsApi) {
    this.#ctx = ctx;
    this.#records = records;
  }

  /**
   * Upload `source` (exactly `size` bytes) and write the record `name`
   * referencing it. Progress goes to `onProgress` and to the state's transfers.
   * With `resumeKey`, an interrupted upload continues in a later call; if the
   * source no longer matches what was sent, a source given as a function is
   * read again and uploaded from scratch, a stream fails with
   * `blob_source_changed` (and the next call starts from scratch).
   *
   * @example
   * await client.blobs.put(vaultId, 'photo.jpg', file.stream(), { size: file.size, type: 'image/jpeg' });
   */
  async put(
    vaultId: string,
    name: string,
    source: BlobSource,
    options: PutBlobOptions,
  ): Promise<{ recordId: string; blobId: string }> {
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new CofferClientError('bad_argument', 'blob size must be a whole number of bytes');
    }
    const ring = await this.#ctx.keyring(vaultId);
    const journal = transferJournal(
      this.#ctx.store,
      'upload',
      vaultId,
      options.resumeKey,
      UploadJournalEntry,
    );
    const open = () => (typeof source === 'function' ? source() : source);
    let blobId: string;
    try {
      blobId = await uploadBlob(this.#ctx, ring, open(), options, journal);
    } catch (error) {
      if (!(error instanceof CofferClientError) || error.code !== 'blob_source_changed')
        throw error;
      await journal.clear();
      if (typeof source !== 'function') throw error;
      blobId = await uploadBlob(this.#ctx, ring, open(), options, journal);
    }
    const recordId = await this.#records.put(vaultId, name, options.value ?? null, {
      type: options.type ?? 'application/octet-stream',
      blob: { blobId, size: options.size },
    });
    await journal.clear();
    return { recordId, blobId };
  }

  /**
   * The record `name` and its blob's plaintext as a stream (undefined if the
   * record does not exist). The stream errors if the blob was tampered with:
   * write it somewhere temporary and keep it only once the stream ended.
   *
   * @example
   * const found = await client.blobs.get(vaultId, 'photo.jpg');
   * await found?.stream.pipeTo(Writable.toWeb(createWriteStream(tmp)));
   */
  async get(
    vaultId: string,
    name: string,
    options: DownloadOptions = {},
  ): Promise<{ entry: RecordEntry; stream: ReadableStream<Uint8Array> } | undefined> {
    const found = await this.#blobEntry(vaultId, name);
    if (!found) return undefined;
    const { entry, blob } = found;
    const ring = await this.#ctx.keyring(vaultId);
    const stream = downloadBlob(this.#ctx, ring, blob.blobId, blob.size, options);
    return { entry, stream };
  }

  /**
   * Download the blob of record `name` into `sink`; resolves with the entry
   * once every byte is written and authenticated (undefined if no such
   * record). With `resumeKey`, an interrupted download continues in a later
   * call (even from a new process) with a Range request from the last byte
   * the sink took. If it rejects, what the sink holds is not the file yet.
   *
   * @example
   * await client.blobs.download(vaultId, 'video.mp4', fileSink(part), { resumeKey: part });
   */
  async download(
    vaultId: string,
    name: string,
    sink: BlobSink,
    options: DownloadBlobOptions = {},
  ): Promise<RecordEntry | undefined> {
    const found = await this.#blobEntry(vaultId, name);
    if (!found) return undefined;
    const { entry, blob } = found;
    const ring = await this.#ctx.keyring(vaultId);
    const journal = transferJournal(
      this.#ctx.store,
      'download',
      vaultId,
      options.resumeKey,
      DownloadJournalEntry,
    );
    await downloadBlobTo(this.#ctx, ring, blob.blobId, blob.size, sink, journal, options);
    return entry;
  }

  async #blobEntry(vaultId: string, name: string) {
    const entry = await this.#records.get(vaultId, name);
    if (!entry) return undefined;
    if (!entry.blob) {
      // Record names are plaintext (the server never sees them): not in messages.
      throw new CofferClientError(
        'record_not_found',
        'the record holds no blob (read it with records.get)',
      );
    }
    return { entry, blob: entry.blob };
  }
}
