import { constantTimeEqual } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { type ChunkAead, cobblestoneBackend, type SyncChunkAead } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { KEY_SIZE, PREFIX_SIZE, SALT_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { deriveMessageKeys, deriveMessageKeysSync } from './derive.ts';

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
  const backend = cobblestoneBackend();
  const sync = backend.sync;
  let syncAead: SyncChunkAead | undefined;
  let aead: ChunkAead | undefined;
  let pipeline: ChunkPipeline;
  let failed = false;

  /** Fill salt ‖ commitment from `piece`; returns how many bytes it took. */
  function fillPrefix(piece: Uint8Array): number {
    const take = Math.min(PREFIX_SIZE - prefixFill, piece.length);
    prefix.set(piece.subarray(0, take), prefixFill);
    prefixFill += take;
    return take;
  }

  /** node:crypto: no promise anywhere; each verified chunk is emitted as it opens. */
  function consumeSync(piece: Uint8Array, emit: (bytes: Uint8Array) => void): void {
    let offset = 0;
    if (!syncAead) {
      offset = fillPrefix(piece);
      if (prefixFill < PREFIX_SIZE) return;
      const keys = deriveMessageKeysSync(inputKey, prefix.subarray(0, SALT_SIZE), context, sync!);
      if (!constantTimeEqual(keys.commitment, prefix.subarray(SALT_SIZE))) {
        throw new DecryptionError();
      }
      syncAead = sync!.chunkAead(keys.aeadKey, keys.baseNonce);
    }
    if (staged > 0) {
      const take = Math.min(SEALED_CHUNK_SIZE - staged, piece.length - offset);
      staging.set(piece.subarray(offset, offset + take), staged);
      staged += take;
      offset += take;
      if (staged < SEALED_CHUNK_SIZE) return;
      emit(syncAead.open(counter++, staging));
      staged = 0;
    }
    // A full-size sealed chunk can never be the (short) final chunk.
    for (; piece.length - offset >= SEALED_CHUNK_SIZE; offset += SEALED_CHUNK_SIZE) {
      emit(syncAead.open(counter++, piece.subarray(offset, offset + SEALED_CHUNK_SIZE)));
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  async function checkPrefix(emit: (bytes: Uint8Array) => void): Promise<void> {
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
      offset = fillPrefix(piece);
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
      // WebCrypto copies its input when called, so staging is free again at once.
      const room = pipeline.add(chunks.open(counter++, staging));
      staged = 0;
      if (room) await room;
    }
    // A full-size sealed chunk can never be the (short) final chunk.
    for (; piece.length - offset >= SEALED_CHUNK_SIZE; offset += SEALED_CHUNK_SIZE) {
      const sealed = piece.subarray(offset, offset + SEALED_CHUNK_SIZE);
      const room = pipeline.add(chunks.open(counter++, sealed));
      if (room) await room;
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  function finish(emit: (bytes: Uint8Array) => void): void | Promise<void> {
    // End of input inside the header, or right after a full chunk: truncated.
    if (sync) {
      if (!syncAead || staged < TAG_SIZE) throw new DecryptionError();
      emit(syncAead.open(counter++, staging.subarray(0, staged)));
      return;
    }
    if (!aead || staged < TAG_SIZE) throw new DecryptionError();
    const last = aead.open(counter++, staging.subarray(0, staged));
    return (async () => {
      const room = pipeline.add(last);
      if (room) await room;
      await pipeline.drain();
    })();
  }

  // Every failure becomes the one uniform DecryptionError, and sticks.
  function guarded(step: () => void | Promise<void>): void | Promise<void> {
    if (failed) throw new DecryptionError();
    const fail = (): never => {
      failed = true;
      throw new DecryptionError();
    };
    let result: void | Promise<void>;
    try {
      result = step();
    } catch {
      return fail();
    }
    return result instanceof Promise ? result.catch(fail) : undefined;
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
      const emit = (bytes: Uint8Array) => controller.enqueue(bytes);
      return guarded(() => (sync ? consumeSync(piece, emit) : consume(piece, emit)));
    },
    flush: (controller) => guarded(() => finish((bytes) => controller.enqueue(bytes))),
  });
}
