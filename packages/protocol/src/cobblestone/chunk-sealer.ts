import { type ChunkAead, cobblestoneBackend, type SyncChunkAead } from './backend.ts';
import { BatchFiller, ChunkBatches } from './chunk-batches.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import { chunkWorkerPool } from './chunk-workers.ts';
import { CHUNK_SIZE, PREFIX_SIZE, SALT_SIZE } from './constants.ts';
import { deriveMessageKeys, deriveMessageKeysSync } from './derive.ts';

/** Receives output bytes, in order. */
export type Emit = (bytes: Uint8Array) => void;

/**
 * The Cobblestone-256 writer behind the seal streams, free of any stream:
 * the envelope stream drives it directly instead of piping through a second
 * TransformStream. Results are synchronous on node:crypto and promises on
 * WebCrypto; the caller awaits whatever is a promise before the next call.
 */
export interface ChunkSealer {
  /** Derive the keys and emit salt ‖ commitment. Called once, first. */
  start(): void | Promise<void>;
  /** Seal every 16 KiB chunk this piece completes. */
  push(piece: Uint8Array): void | Promise<void>;
  /** Seal the final (short, possibly empty) chunk and emit everything still in flight. */
  finish(): void | Promise<void>;
}

/** A {@link ChunkSealer} for one message; the key length is the caller's check. */
export function createChunkSealer(
  inputKey: Uint8Array,
  context: Uint8Array,
  salt: Uint8Array,
  emit: Emit,
): ChunkSealer {
  // Plaintext bytes of a chunk split across input pieces.
  const staging = new Uint8Array(CHUNK_SIZE);
  let staged = 0;
  let counter = 0;
  const backend = cobblestoneBackend();
  const sync = backend.sync;
  let syncAead: SyncChunkAead;
  let aead: ChunkAead;
  let pipeline: ChunkPipeline;
  // node:crypto with worker threads: full chunks go in batches, partly to the workers.
  const pool = sync ? chunkWorkerPool() : undefined;
  let batches: ChunkBatches;
  let filler: BatchFiller;

  function emitPrefix(commitment: Uint8Array): void {
    const prefix = new Uint8Array(PREFIX_SIZE);
    prefix.set(salt);
    prefix.set(commitment, SALT_SIZE);
    emit(prefix);
  }

  /**
   * node:crypto: no promise, and each chunk goes out as node:crypto's own
   * ciphertext buffer plus its tag (copying them into one piece would double
   * the garbage per chunk, and with it the peak RSS of a long stream).
   */
  function pushSync(piece: Uint8Array): void {
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

  /** Emit what is in flight, then seal what is left (and the final chunk) here. */
  function finishBatched(): void | Promise<void> {
    const rest = (): void => {
      const left = filler.pending;
      const full = Math.floor(left.length / CHUNK_SIZE);
      const first = filler.counter;
      for (const piece of batches.runHere(first, full, left).pieces) emit(piece);
      syncAead.sealTo(first + full, left.subarray(full * CHUNK_SIZE), emit);
      filler.release();
    };
    const draining = batches.drain();
    return draining ? draining.then(rest) : rest();
  }

  async function pushAsync(piece: Uint8Array): Promise<void> {
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
    for (; piece.length - offset >= CHUNK_SIZE; offset += CHUNK_SIZE) {
      const room = pipeline.add(aead.seal(counter++, piece.subarray(offset, offset + CHUNK_SIZE)));
      if (room) await room;
    }
    staging.set(piece.subarray(offset), 0);
    staged = piece.length - offset;
  }

  return {
    start() {
      if (sync) {
        const keys = deriveMessageKeysSync(inputKey, salt, context, sync);
        syncAead = sync.chunkAead(keys.aeadKey, keys.baseNonce);
        if (pool) {
          batches = new ChunkBatches(false, syncAead, keys, pool, emit);
          filler = new BatchFiller(batches, pool, false);
        }
        emitPrefix(keys.commitment);
        return;
      }
      return (async () => {
        const keys = await deriveMessageKeys(inputKey, salt, context, backend);
        aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
        pipeline = new ChunkPipeline(backend.concurrency, emit);
        emitPrefix(keys.commitment);
      })();
    },
    push: (piece) => (pool ? filler.push(piece) : sync ? pushSync(piece) : pushAsync(piece)),
    finish() {
      if (pool) return finishBatched();
      const final = staging.subarray(0, staged);
      if (sync) return syncAead.sealTo(counter++, final, emit);
      return (async () => {
        const room = pipeline.add(aead.seal(counter++, final));
        if (room) await room;
        await pipeline.drain();
      })();
    },
  };
}
