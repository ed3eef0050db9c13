import { constantTimeEqual } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { type ChunkAead, cobblestoneBackend, type SyncChunkAead } from './backend.ts';
import { BatchFiller, ChunkBatches } from './chunk-batches.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import type { Emit } from './chunk-sealer.ts';
import { chunkWorkerPool } from './chunk-workers.ts';
import { KEY_SIZE, PREFIX_SIZE, SALT_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { deriveMessageKeys, deriveMessageKeysSync } from './derive.ts';

/**
 * The Cobblestone-256 reader behind the open streams, free of any stream (the
 * envelope stream drives it directly). Every failure, including a key that is
 * not 32 bytes, is the one uniform DecryptionError, and sticks: later calls
 * fail too. Synchronous on node:crypto, promises on WebCrypto; the caller
 * awaits whatever is a promise before the next call.
 */
export interface ChunkOpener {
  /** Consume ciphertext; emits every full chunk that verifies. */
  push(piece: Uint8Array): void | Promise<void>;
  /** End of input: open the final chunk (a missing one is truncation). */
  finish(): void | Promise<void>;
}

/** A {@link ChunkOpener} for one message; verified plaintext goes to `emit`, in order. */
export function createChunkOpener(
  inputKey: Uint8Array,
  context: Uint8Array,
  emit: Emit,
): ChunkOpener {
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
  // node:crypto with worker threads: full chunks go in batches, partly to the workers.
  const pool = sync ? chunkWorkerPool() : undefined;
  let batches: ChunkBatches | undefined;
  let filler: BatchFiller | undefined;
  // A wrong-sized key cannot authenticate anything: fail from the start.
  let failed = inputKey.length !== KEY_SIZE;

  /** Fill salt ‖ commitment from `piece`; returns how many bytes it took. */
  function fillPrefix(piece: Uint8Array): number {
    const take = Math.min(PREFIX_SIZE - prefixFill, piece.length);
    prefix.set(piece.subarray(0, take), prefixFill);
    prefixFill += take;
    return take;
  }

  /** node:crypto: no promise anywhere; each verified chunk is emitted as it opens. */
  function consumeSync(piece: Uint8Array): void | Promise<void> {
    let offset = 0;
    if (!syncAead) {
      offset = fillPrefix(piece);
      if (prefixFill < PREFIX_SIZE) return;
      const keys = deriveMessageKeysSync(inputKey, prefix.subarray(0, SALT_SIZE), context, sync!);
      if (!constantTimeEqual(keys.commitment, prefix.subarray(SALT_SIZE))) {
        throw new DecryptionError();
      }
      syncAead = sync!.chunkAead(keys.aeadKey, keys.baseNonce);
      if (pool) {
        batches = new ChunkBatches(true, syncAead, keys, pool, emit);
        filler = new BatchFiller(batches, pool, true);
      }
    }
    if (filler) return filler.push(piece.subarray(offset));
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

  /** Emit what is in flight, then open what is left (and the final chunk) here. */
  function finishBatched(opened: ChunkBatches, left: BatchFiller): void | Promise<void> {
    const rest = (): void => {
      const bytes = left.pending;
      const full = Math.floor(bytes.length / SEALED_CHUNK_SIZE);
      const done = opened.runHere(left.counter, full, bytes);
      for (const piece of done.pieces) emit(piece);
      if (done.failed) throw new DecryptionError();
      const final = bytes.subarray(full * SEALED_CHUNK_SIZE);
      // End of input right after a full chunk: the final chunk is missing.
      if (final.length < TAG_SIZE) throw new DecryptionError();
      emit(syncAead!.open(left.counter + full, final));
      left.release();
    };
    const draining = opened.drain();
    return draining ? draining.then(rest) : rest();
  }

  async function checkPrefix(): Promise<void> {
    const salt = prefix.subarray(0, SALT_SIZE);
    const keys = await deriveMessageKeys(inputKey, salt, context, backend);
    if (!constantTimeEqual(keys.commitment, prefix.subarray(SALT_SIZE))) {
      throw new DecryptionError();
    }
    pipeline = new ChunkPipeline(backend.concurrency, emit);
    aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
  }

  async function consume(piece: Uint8Array): Promise<void> {
    let offset = 0;
    if (!aead) {
      offset = fillPrefix(piece);
      if (prefixFill < PREFIX_SIZE) return;
      await checkPrefix();
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

  function finish(): void | Promise<void> {
    // End of input inside the header, or right after a full chunk: truncated.
    if (batches && filler) return finishBatched(batches, filler);
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

  return {
    push: (piece) => guarded(() => (sync ? consumeSync(piece) : consume(piece))),
    finish: () => guarded(finish),
  };
}
