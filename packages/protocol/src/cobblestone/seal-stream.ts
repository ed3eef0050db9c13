import { randomBytes } from '../primitives/random.ts';
import { type ChunkSealer, createChunkSealer } from './chunk-sealer.ts';
import { KEY_SIZE, SALT_SIZE } from './constants.ts';
import type { CobblestoneSealOptions } from './whole-message.ts';

/**
 * A WHATWG TransformStream that encrypts a plaintext byte stream with
 * Cobblestone-256. It first emits salt ‖ commitment, then each sealed 16 KiB
 * chunk as soon as it is complete (input pieces of any size are re-chunked;
 * a chunk may leave as one piece or as its ciphertext and its tag), and on
 * close the final chunk, which is always shorter than 16 KiB and may be empty.
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
  let sealer: ChunkSealer;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      sealer = createChunkSealer(inputKey, context, salt, (bytes) => controller.enqueue(bytes));
      try {
        return sealer.start();
      } catch (error) {
        // As on WebCrypto: a bad salt errors the stream, not the constructor.
        return Promise.reject(error);
      }
    },
    transform: (piece) => sealer.push(piece),
    flush: () => sealer.finish(),
  });
}
