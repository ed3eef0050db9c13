import { DecryptionError } from '../errors.ts';
import type { SyncChunkAead } from './backend.ts';
import type { BatchBuffer, BatchResult, ChunkWorkerPool, RunningBatch } from './chunk-workers.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';

/** A batch's output, in order; `failed` when opening stopped at a chunk that did not verify. */
interface Done {
  pieces: Uint8Array[];
  failed: boolean;
}

interface Entry {
  done?: Done;
  /** Present while a worker holds the batch. */
  running?: RunningBatch;
  counter: number;
  count: number;
  input: BatchBuffer;
}

/**
 * Seals or opens one message's full chunks in batches, on the worker pool
 * when a worker has room and on this thread otherwise, and emits the results
 * strictly in order. Opening emits only verified chunks: a batch that stops at
 * a bad chunk emits the chunks before it and then throws DecryptionError, and
 * nothing after it is ever emitted. At most `pool.depth` batches are held.
 */
export class ChunkBatches {
  readonly #queue: Entry[] = [];
  private readonly open: boolean;
  private readonly aead: SyncChunkAead;
  private readonly keys: { aeadKey: Uint8Array; baseNonce: Uint8Array };
  private readonly pool: ChunkWorkerPool;
  private readonly emit: (bytes: Uint8Array) => void;

  constructor(
    open: boolean,
    aead: SyncChunkAead,
    keys: { aeadKey: Uint8Array; baseNonce: Uint8Array },
    pool: ChunkWorkerPool,
    emit: (bytes: Uint8Array) => void,
  ) {
    this.open = open;
    this.aead = aead;
    this.keys = keys;
    this.pool = pool;
    this.emit = emit;
  }

  /**
   * Process `count` full chunks held at the start of `input` (from
   * `pool.buffer`, handed over: the pool recycles it). Returns a promise when
   * the caller must wait for room.
   */
  submit(counter: number, count: number, input: BatchBuffer): void | Promise<void> {
    const entry: Entry = { counter, count, input };
    const running = this.pool.trySubmit({
      open: this.open,
      key: this.keys.aeadKey,
      nonce: this.keys.baseNonce,
      counter,
      count,
      input,
    });
    if (running) {
      entry.running = running;
    } else {
      entry.done = this.runHere(counter, count, input.bytes);
      this.pool.recycle(input);
    }
    this.#queue.push(entry);
    this.#emitReady();
    if (this.#queue.length >= this.pool.depth) return this.#settle(this.pool.depth - 1);
  }

  /** Emit everything still in flight. */
  drain(): void | Promise<void> {
    this.#emitReady();
    if (this.#queue.length > 0) return this.#settle(0);
  }

  /** Seal or open `count` full chunks of `input` on this thread, synchronously. */
  runHere(counter: number, count: number, input: Uint8Array): Done {
    const pieces: Uint8Array[] = [];
    const push = (bytes: Uint8Array) => pieces.push(bytes);
    if (!this.open) {
      for (let i = 0; i < count; i++) {
        const chunk = input.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
        this.aead.sealTo(counter + i, chunk, push);
      }
      return { pieces, failed: false };
    }
    for (let i = 0; i < count; i++) {
      const sealed = input.subarray(i * SEALED_CHUNK_SIZE, (i + 1) * SEALED_CHUNK_SIZE);
      try {
        pieces.push(this.aead.open(counter + i, sealed));
      } catch {
        return { pieces, failed: true };
      }
    }
    return { pieces, failed: false };
  }

  /** A worker's buffers as output pieces: sealed chunks as ciphertext then tag, as on this thread. */
  #fromWorker(result: BatchResult, count: number): Done {
    const failed = result.verified !== count;
    if (this.open) {
      return { pieces: result.pieces.map((buffer) => new Uint8Array(buffer)), failed };
    }
    const tags = new Uint8Array(result.pieces[count]!);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      pieces.push(
        new Uint8Array(result.pieces[i]!),
        tags.subarray(i * TAG_SIZE, (i + 1) * TAG_SIZE),
      );
    }
    return { pieces, failed };
  }

  /** Emit finished batches at the head of the queue. */
  #emitReady(): void {
    this.pool.poll();
    for (;;) {
      const head = this.#queue[0];
      if (!head) return;
      const answer = head.running?.answer;
      if (!head.done && answer) {
        // 'lost': the worker died holding it; its input is intact, so run it here.
        head.done =
          typeof answer === 'string'
            ? this.runHere(head.counter, head.count, head.input.bytes)
            : this.#fromWorker(answer, head.count);
      }
      const done = head.done;
      if (!done) return;
      this.#queue.shift();
      for (const piece of done.pieces) this.emit(piece);
      if (done.failed) {
        this.#queue.length = 0;
        throw new DecryptionError();
      }
    }
  }

  /**
   * Emit until at most `keep` batches are held. While a worker runs the
   * batch at the head, this thread does not wait idle: it takes back the
   * earliest batch that no worker has started yet (the head itself, if
   * still queued) and runs it here, so both threads seal or open at once.
   * It waits only when every batch held is running on a worker.
   */
  async #settle(keep: number): Promise<void> {
    while (this.#queue.length > keep) {
      if (!this.#runQueuedHere()) {
        const head = this.#queue[0]!;
        // A worker has it: its answer is on the way.
        if (!head.done && head.running && !head.running.answer) {
          await head.running.answered;
        }
      }
      this.#emitReady();
    }
  }

  /** Take back the earliest batch no worker has started and run it here; false if there is none. */
  #runQueuedHere(): boolean {
    for (const entry of this.#queue) {
      if (entry.done || !entry.running || entry.running.answer) continue;
      if (entry.running.takeBack()) {
        entry.done = this.runHere(entry.counter, entry.count, entry.input.bytes);
        return true;
      }
    }
    return false;
  }
}

/**
 * Copies a message's input pieces into the pool's batch buffers and submits
 * each full batch to {@link ChunkBatches}, for the sealer (plaintext, 16 KiB
 * chunks) and the opener (ciphertext, sealed chunks) alike. Only full batches
 * leave: a full chunk is never the final one, so a full batch can always go.
 * What is left at the end ({@link pending}) is the caller's to finish.
 */
export class BatchFiller {
  readonly #batches: ChunkBatches;
  readonly #pool: ChunkWorkerPool;
  readonly #open: boolean;
  #buffer: BatchBuffer;
  #filled = 0;
  /** Counter of the first chunk not yet submitted. */
  counter = 0;

  constructor(batches: ChunkBatches, pool: ChunkWorkerPool, open: boolean) {
    this.#batches = batches;
    this.#pool = pool;
    this.#open = open;
    this.#buffer = pool.buffer(pool.batchChunks, open);
  }

  /** Take `piece`; resolves once every full batch it completed is submitted and there is room. */
  push(piece: Uint8Array): void | Promise<void> {
    // Every batch buffer of one filler has the same size.
    const size = this.#buffer.bytes.length;
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(size - this.#filled, piece.length - offset);
      this.#buffer.bytes.set(piece.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled < size) return;
      const full = this.#buffer;
      this.#buffer = this.#pool.buffer(this.#pool.batchChunks, this.#open);
      this.#filled = 0;
      const first = this.counter;
      this.counter += this.#pool.batchChunks;
      const room = this.#batches.submit(first, this.#pool.batchChunks, full);
      if (room) {
        const rest = piece.subarray(offset);
        return room.then(() => this.push(rest));
      }
    }
  }

  /** The input bytes taken since the last full batch (valid until {@link release}). */
  get pending(): Uint8Array {
    return this.#buffer.bytes.subarray(0, this.#filled);
  }

  /** Hand the last buffer back to the pool. */
  release(): void {
    this.#pool.recycle(this.#buffer);
  }
}
