import { randomBytes } from '../primitives/random.ts';
import { type ChunkAead, cobblestoneBackend, type SyncChunkAead } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { CHUNK_SIZE, KEY_SIZE, PREFIX_SIZE, SALT_SIZE } from './constants.ts';
import { deriveMessageKeys, deriveMessageKeysSync } from './derive.ts';
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
  // Plaintext bytes of a chunk split across input pieces.
  const staging = new Uint8Array(CHUNK_SIZE);
  let staged = 0;
  let counter = 0;
  const backend = cobblestoneBackend();
  const sync = backend.sync;
  let syncAead: SyncChunkAead;
  let aead: ChunkAead;
  let pipeline: ChunkPipeline;

  function start(controller: TransformStreamDefaultController<Uint8Array>): void | Promise<void> {
    const prefix = new Uint8Array(PREFIX_SIZE);
    prefix.set(salt);
    if (sync) {
      try {
        const keys = deriveMessageKeysSync(inputKey, salt, context, sync);
        syncAead = sync.chunkAead(keys.aeadKey, keys.baseNonce);
        prefix.set(keys.commitment, SALT_SIZE);
      } catch (error) {
        // As on the async path: a bad salt errors the stream, not the constructor.
        return Promise.reject(error);
      }
      controller.enqueue(prefix);
      return;
    }
    return (async () => {
      const keys = await deriveMessageKeys(inputKey, salt, context, backend);
      aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
      pipeline = new ChunkPipeline(backend.concurrency, (sealed) => controller.enqueue(sealed));
      prefix.set(keys.commitment, SALT_SIZE);
      controller.enqueue(prefix);
    })();
  }

  /**
   * node:crypto: no promise, and each chunk goes out as node:crypto's own
   * ciphertext buffer plus its tag (copying them into one piece would double
   * the garbage per chunk, and with it the peak RSS of a long stream).
   */
  function transformSync(
    piece: Uint8Array,
    controller: TransformStreamDefaultController<Uint8Array>,
  ): void {
    const emit = (bytes: Uint8Array) => controller.enqueue(bytes);
    let offset = 0;
    if (staged > 0) {
      offset = Math.min(CHUNK_SIZE - staged, piece.length);
      staging.set(piece.subarray(0, offset), staged);
      staged += offset;
      if (staged < CHUNK_SIZE) return;
      syncAead.sealTo(counter++, staging, emit);
      staged = 0;
    }
    // A full chunk is never the final one, so seal it as soon as it is complete.
    for (; piece.length - offset >= CHUNK_SIZE; offset += CHUNK_SIZE) {
      syncAead.sealTo(counter++, piece.subarray(offset, offset + CHUNK_SIZE), emit);
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  async function transformAsync(piece: Uint8Array): Promise<void> {
    let offset = 0;
    if (staged > 0) {
      offset = Math.min(CHUNK_SIZE - staged, piece.length);
      staging.set(piece.subarray(0, offset), staged);
      staged += offset;
      if (staged < CHUNK_SIZE) return;
      // WebCrypto copies its input when called, so staging is free again at once.
      const room = pipeline.add(aead.seal(counter++, staging));
      staged = 0;
      if (room) await room;
    }
    // A full chunk is never the final one, so seal it as soon as it is complete.
    for (; piece.length - offset >= CHUNK_SIZE; offset += CHUNK_SIZE) {
      const room = pipeline.add(aead.seal(counter++, piece.subarray(offset, offset + CHUNK_SIZE)));
      if (room) await room;
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    start,
    transform: (piece, controller) =>
      sync ? transformSync(piece, controller) : transformAsync(piece),
    flush(controller) {
      const final = staging.subarray(0, staged);
      if (sync) {
        syncAead.sealTo(counter++, final, (bytes) => controller.enqueue(bytes));
        return;
      }
      return (async () => {
        const room = pipeline.add(aead.seal(counter++, final));
        if (room) await room;
        await pipeline.drain();
      })();
    },
  });
}
