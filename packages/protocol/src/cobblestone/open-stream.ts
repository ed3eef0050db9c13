import { constantTimeEqual } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { type ChunkAead, cobblestoneBackend } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { KEY_SIZE, PREFIX_SIZE, SALT_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { deriveMessageKeys } from './derive.ts';

/**
 * A WHATWG TransformStream that decrypts a Cobblestone-256 ciphertext stream,
 * fed in pieces of any size. The commitment is checked (constant time) before
 * any chunk is decrypted, and only authenticated chunks are emitted, in order.
 * Full chunks are released as soon as they verify; the final (short) chunk is
 * released only at the end of input, once no trailing data can follow.
 *
 * A wrong key or context, a modified byte, truncation (including a missing
 * final chunk), extension, reordering or trailing data errors the stream with
 * {@link DecryptionError}; it then stays errored. A consumer that needs all or
 * nothing must discard what it read when the stream errors (the emitted prefix
 * is authentic, but incomplete). Memory stays O(chunk); writes wait for readers.
 *
 * @example
 * const plaintext = response.body!.pipeThrough(createCobblestoneOpenStream(key, context));
 */
export function createCobblestoneOpenStream(
  inputKey: Uint8Array,
  context: Uint8Array,
): TransformStream<Uint8Array, Uint8Array> {
  // Salt ‖ commitment first, then one sealed chunk at a time.
  const prefix = new Uint8Array(PREFIX_SIZE);
  let prefixFill = 0;
  const staging = new Uint8Array(SEALED_CHUNK_SIZE);
  let staged = 0;
  let counter = 0;
  let aead: ChunkAead | undefined;
  let pipeline: ChunkPipeline;
  let failed = false;

  async function checkPrefix(emit: (bytes: Uint8Array) => void): Promise<void> {
    const backend = cobblestoneBackend();
    const salt = prefix.subarray(0, SALT_SIZE);
    const keys = await deriveMessageKeys(inputKey, salt, context, backend);
    if (!constantTimeEqual(keys.commitment, prefix.subarray(SALT_SIZE))) {
      throw new DecryptionError();
    }
    pipeline = new ChunkPipeline(backend.concurrency, emit);
    aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
  }

  async function consume(piece: Uint8Array, emit: (bytes: Uint8Array) => void): Promise<void> {
    let offset = 0;
    if (!aead) {
      offset = Math.min(PREFIX_SIZE - prefixFill, piece.length);
      prefix.set(piece.subarray(0, offset), prefixFill);
      prefixFill += offset;
      if (prefixFill < PREFIX_SIZE) return;
      await checkPrefix(emit);
    }
    const chunks = aead!;
    if (staged > 0) {
      const take = Math.min(SEALED_CHUNK_SIZE - staged, piece.length - offset);
      staging.set(piece.subarray(offset, offset + take), staged);
      staged += take;
      offset += take;
      if (staged < SEALED_CHUNK_SIZE) return;
      await pipeline.add(chunks.open(counter++, staging));
      staged = 0;
    }
    // A full-size sealed chunk can never be the (short) final chunk.
    for (; piece.length - offset >= SEALED_CHUNK_SIZE; offset += SEALED_CHUNK_SIZE) {
      await pipeline.add(
        chunks.open(counter++, piece.subarray(offset, offset + SEALED_CHUNK_SIZE)),
      );
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  async function finish(): Promise<void> {
    // End of input inside the header, or right after a full chunk: truncated.
    if (!aead || staged < TAG_SIZE) throw new DecryptionError();
    await pipeline.add(aead.open(counter++, staging.subarray(0, staged)));
    await pipeline.drain();
  }

  // Every failure becomes the one uniform DecryptionError, and sticks.
  async function guarded(step: () => Promise<void>): Promise<void> {
    if (failed) throw new DecryptionError();
    try {
      await step();
    } catch {
      failed = true;
      throw new DecryptionError();
    }
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      // A wrong-sized key cannot authenticate anything: the stream starts out errored.
      if (inputKey.length !== KEY_SIZE) {
        failed = true;
        controller.error(new DecryptionError());
      }
    },
    transform(piece, controller) {
      if (!(piece instanceof Uint8Array)) throw new TypeError('expected Uint8Array chunks');
      return guarded(() => consume(piece, (bytes) => controller.enqueue(bytes)));
    },
    flush: () => guarded(finish),
  });
}
