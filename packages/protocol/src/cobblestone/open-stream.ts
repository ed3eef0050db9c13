import { DecryptionError } from '../errors.ts';
import { type ChunkOpener, createChunkOpener } from './chunk-opener.ts';
import { KEY_SIZE } from './constants.ts';

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
  let opener: ChunkOpener;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      opener = createChunkOpener(inputKey, context, (bytes) => controller.enqueue(bytes));
      // A wrong-sized key cannot authenticate anything: the stream starts out errored.
      if (inputKey.length !== KEY_SIZE) controller.error(new DecryptionError());
    },
    transform(piece) {
      if (!(piece instanceof Uint8Array)) throw new TypeError('expected Uint8Array chunks');
      return opener.push(piece);
    },
    flush: () => opener.finish(),
  });
}
