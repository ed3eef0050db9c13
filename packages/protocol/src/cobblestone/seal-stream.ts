import { randomBytes } from '../primitives/random.ts';
import { type ChunkAead, cobblestoneBackend } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { CHUNK_SIZE, KEY_SIZE, PREFIX_SIZE, SALT_SIZE } from './constants.ts';
import { deriveMessageKeys } from './derive.ts';
import type { CobblestoneSealOptions } from './whole-message.ts';

/**
 * A WHATWG TransformStream that encrypts a plaintext byte stream with
 * Cobblestone-256. It first emits salt ‖ commitment, then one sealed chunk per
 * 16 KiB of plaintext (input pieces of any size are re-chunked), and on close
 * the final chunk, which is always shorter than 16 KiB and may be empty.
 * The output is byte-identical to {@link cobblestoneSeal} of the concatenated
 * input with the same salt. Memory stays O(chunk); writes wait for readers.
 * Throws RangeError at once for a key that is not 32 bytes.
 *
 * @example
 * await file.stream()
 *   .pipeThrough(createCobblestoneSealStream(key, context))
 *   .pipeTo(upload);
 */
export function createCobblestoneSealStream(
  inputKey: Uint8Array,
  context: Uint8Array,
  options: CobblestoneSealOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  if (inputKey.length !== KEY_SIZE) {
    throw new RangeError('Cobblestone-256 input key must be 32 bytes');
  }
  const salt = options.salt ?? randomBytes(SALT_SIZE);
  // Plaintext bytes of a chunk split across input pieces.
  const staging = new Uint8Array(CHUNK_SIZE);
  let staged = 0;
  let counter = 0;
  let aead: ChunkAead;
  let pipeline: ChunkPipeline;

  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      const backend = cobblestoneBackend();
      const keys = await deriveMessageKeys(inputKey, salt, context, backend);
      aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
      pipeline = new ChunkPipeline(backend.concurrency, (sealed) => controller.enqueue(sealed));
      const prefix = new Uint8Array(PREFIX_SIZE);
      prefix.set(salt);
      prefix.set(keys.commitment, SALT_SIZE);
      controller.enqueue(prefix);
    },
    async transform(piece) {
      let offset = 0;
      if (staged > 0) {
        offset = Math.min(CHUNK_SIZE - staged, piece.length);
        staging.set(piece.subarray(0, offset), staged);
        staged += offset;
        if (staged < CHUNK_SIZE) return;
        // Both backends are done with (or have copied) the input when seal returns.
        await pipeline.add(aead.seal(counter++, staging));
        staged = 0;
      }
      // A full chunk is never the final one, so seal it as soon as it is complete.
      for (; piece.length - offset >= CHUNK_SIZE; offset += CHUNK_SIZE) {
        await pipeline.add(aead.seal(counter++, piece.subarray(offset, offset + CHUNK_SIZE)));
      }
      staging.set(piece.subarray(offset), 0);
      staged = piece.length - offset;
    },
    async flush() {
      await pipeline.add(aead.seal(counter++, staging.subarray(0, staged)));
      await pipeline.drain();
    },
  });
}
