import { constantTimeEqual } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { cobblestoneBackend } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { CHUNK_SIZE, KEY_SIZE, PREFIX_SIZE, SALT_SIZE, SEALED_CHUNK_SIZE } from './constants.ts';
import { deriveMessageKeys } from './derive.ts';
import { plaintextLengthOf } from './layout.ts';

/** Random-access ciphertext: its total length and a reader of byte ranges. */
export interface CobblestoneSource {
  /** Total ciphertext length in bytes. */
  size: number;
  /** Exactly `length` bytes at `offset` (e.g. an HTTP Range request or a file read). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Decrypts plaintext byte ranges of one ciphertext; see {@link createCobblestoneRangeReader}. */
export interface CobblestoneRangeReader {
  /** Plaintext length implied by `source.size` (authenticated only by {@link verifyLength}). */
  readonly plaintextLength: number;
  /** Plaintext bytes [start, start + length), decrypting only the chunks that hold them. */
  read(start: number, length: number): Promise<Uint8Array>;
  /** Decrypt the final chunk, which authenticates `plaintextLength` (the message end). */
  verifyLength(): Promise<void>;
}

/**
 * Random access into a Cobblestone-256 ciphertext. Creating the reader reads
 * salt ‖ commitment and checks the commitment (constant time); each `read`
 * then fetches and decrypts only the 16 KiB chunks covering the range.
 *
 * What range reads detect: a wrong key or context; any change to a chunk that
 * is read (it fails its tag); a chunk moved or duplicated from another index
 * (the nonce binds the index); chunks from another message (the salt binds the
 * key); a `size` no valid ciphertext can have (only the final chunk is short).
 *
 * What they cannot detect: damage in chunks that are not read, and a wrong
 * `size` whose shape is still valid (truncation at, or extension by, whole
 * chunks: a truncated message's last chunk would then be read as the final one
 * and fail, but only if read). The total length is authenticated only when the
 * final chunk is decrypted: by a range that reaches the end, or {@link
 * CobblestoneRangeReader.verifyLength}. Every failure is {@link DecryptionError}.
 *
 * @example
 * const reader = await createCobblestoneRangeReader(key, context, {
 *   size: blob.size,
 *   read: async (offset, length) =>
 *     new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
 * });
 * const bytes = await reader.read(1_000_000, 4096);
 */
export async function createCobblestoneRangeReader(
  inputKey: Uint8Array,
  context: Uint8Array,
  source: CobblestoneSource,
): Promise<CobblestoneRangeReader> {
  const plaintextLength = plaintextLengthOf(source.size);
  if (inputKey.length !== KEY_SIZE || plaintextLength === undefined) throw new DecryptionError();
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const bytes = await source.read(offset, length);
    // A short or long read means the source is not the ciphertext it claims to be.
    if (bytes.length !== length) throw new DecryptionError();
    return bytes;
  };
  const prefix = await read(0, PREFIX_SIZE);
  const backend = cobblestoneBackend();
  const keys = await deriveMessageKeys(inputKey, prefix.subarray(0, SALT_SIZE), context, backend);
  if (!constantTimeEqual(keys.commitment, prefix.subarray(SALT_SIZE))) throw new DecryptionError();
  const aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);

  // Decrypt chunks [first, last] into one buffer.
  async function openChunks(first: number, last: number): Promise<Uint8Array> {
    const from = PREFIX_SIZE + first * SEALED_CHUNK_SIZE;
    const to = Math.min(source.size, PREFIX_SIZE + (last + 1) * SEALED_CHUNK_SIZE);
    const sealed = await read(from, to - from);
    const parts: Uint8Array[] = [];
    const pipeline = new ChunkPipeline(backend.concurrency, (plain) => parts.push(plain));
    try {
      for (let i = first; i <= last; i++) {
        const at = (i - first) * SEALED_CHUNK_SIZE;
        await pipeline.add(aead.open(i, sealed.subarray(at, at + SEALED_CHUNK_SIZE)));
      }
      await pipeline.drain();
    } catch {
      throw new DecryptionError();
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  const finalChunk = Math.floor(plaintextLength / CHUNK_SIZE);
  return {
    plaintextLength,
    async read(start, length) {
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(length) ||
        start < 0 ||
        length < 0 ||
        start + length > plaintextLength
      ) {
        throw new RangeError('range outside the plaintext');
      }
      if (length === 0) return new Uint8Array(0);
      const first = Math.floor(start / CHUNK_SIZE);
      const plain = await openChunks(first, Math.floor((start + length - 1) / CHUNK_SIZE));
      const skip = start - first * CHUNK_SIZE;
      return plain.subarray(skip, skip + length);
    },
    async verifyLength() {
      await openChunks(finalChunk, finalChunk);
    },
  };
}

/**
 * One-shot {@link createCobblestoneRangeReader}: plaintext bytes
 * [start, start + length) of the ciphertext behind `source`. Reuse a reader
 * for many ranges of the same ciphertext (it checks the commitment once).
 *
 * @example
 * const bytes = await cobblestoneOpenRange(key, context, { size, read }, 65_536, 100);
 */
export async function cobblestoneOpenRange(
  inputKey: Uint8Array,
  context: Uint8Array,
  source: CobblestoneSource,
  start: number,
  length: number,
): Promise<Uint8Array> {
  const reader = await createCobblestoneRangeReader(inputKey, context, source);
  return reader.read(start, length);
}
