/**
 * Blobs by name: large content streamed to and from the server, never held
 * whole in memory, referenced from a record (whose envelope carries the
 * blob's id and plaintext size, so a server cannot swap or truncate it).
 */
import type { RecordEntry, RecordsApi } from '../records/records-api.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError } from '../transport/errors.ts';
import { type DownloadOptions, downloadBlob } from './blob-download.ts';
import { type UploadOptions, uploadBlob } from './blob-upload.ts';

/** Options of {@link BlobsApi.put}. */
export interface PutBlobOptions extends UploadOptions {
  /** Type label of the record (default `application/octet-stream`). */
  type?: string;
  /** JSON metadata stored in the record beside the reference (default null). */
  value?: unknown;
}

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
   *
   * @example
   * await client.blobs.put(vaultId, 'photo.jpg', file.stream(), { size: file.size, type: 'image/jpeg' });
   */
  async put(
    vaultId: string,
    name: string,
    source: ReadableStream<Uint8Array>,
    options: PutBlobOptions,
  ): Promise<{ recordId: string; blobId: string }> {
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new CofferClientError('bad_argument', 'blob size must be a whole number of bytes');
    }
    const ring = await this.#ctx.keyring(vaultId);
    const blobId = await uploadBlob(this.#ctx, ring, source, options);
    const recordId = await this.#records.put(vaultId, name, options.value ?? null, {
      type: options.type ?? 'application/octet-stream',
      blob: { blobId, size: options.size },
    });
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
    const entry = await this.#records.get(vaultId, name);
    if (!entry) return undefined;
    if (!entry.blob) {
      throw new CofferClientError('record_not_found', `record ${name} holds no blob`);
    }
    const ring = await this.#ctx.keyring(vaultId);
    const stream = downloadBlob(this.#ctx, ring, entry.blob.blobId, entry.blob.size, options);
    return { entry, stream };
  }
}
