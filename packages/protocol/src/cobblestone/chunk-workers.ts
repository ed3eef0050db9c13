import type * as NodeOs from 'node:os';
import type * as NodeWorkers from 'node:worker_threads';
import { CHUNK_WORKER_SOURCE } from './chunk-worker-source.ts';

/**
 * A small pool of Node worker threads that seal or open batches of full
 * Cobblestone-256 chunks while the calling thread does the same with other
 * batches. One core of node:crypto cannot reach 1 GB/s on 16 KiB chunks
 * (each chunk needs its own GCM context, ~10 us), but chunks are independent.
 *
 * Node only, found at run time through `process.getBuiltinModule` (never a
 * static import) so the package still bundles for browsers; anywhere it is
 * missing, or when a worker cannot start, streams stay single-threaded.
 */

/** One batch of `count` full chunks for a worker; `input` is transferred. */
export interface BatchJob {
  open: boolean;
  key: Uint8Array;
  nonce: Uint8Array;
  counter: number;
  count: number;
  input: ArrayBuffer;
}

/** A worker's answer: `verified` leading chunks done; the output past them is zeros. */
export interface BatchResult {
  output: Uint8Array;
  verified: number;
}

export interface ChunkWorkerPool {
  /** Full chunks per batch. */
  readonly batchChunks: number;
  /** Start `job` on a worker that is online and has room, or return undefined (run it here). */
  trySubmit(job: BatchJob): Promise<BatchResult> | undefined;
  /** Batches a stream may hold in flight or finished but not yet emitted. */
  readonly depth: number;
  /** A zeroed or recycled buffer of `size` bytes that the caller owns. */
  buffer(size: number): ArrayBuffer;
  /** Give a batch input buffer back for reuse. */
  recycle(buffer: ArrayBuffer): void;
}

/** Test and bench knobs; `threads: 0` turns the pool off. */
export interface ChunkWorkerSettings {
  threads?: number;
  batchChunks?: number;
}

// A worker holds at most this many batches: one running, one queued behind it.
const PER_WORKER = 2;
const MAX_THREADS = 3;
const DEFAULT_BATCH_CHUNKS = 64;
const FREE_BUFFERS = 8;

const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };

function builtin<T>(id: string): T | undefined {
  try {
    return runtime.process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

interface Slot {
  worker: NodeWorkers.Worker;
  online: boolean;
  inFlight: number;
  pending: Map<number, { resolve: (result: BatchResult) => void; reject: (e: unknown) => void }>;
}

function defaultThreads(): number {
  const os = builtin<typeof NodeOs>('node:os');
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(0, Math.min(MAX_THREADS, cores - 1));
}

class WorkerPool implements ChunkWorkerPool {
  readonly batchChunks: number;
  readonly depth: number;
  readonly #slots: Slot[] = [];
  readonly #free: ArrayBuffer[] = [];
  readonly online: Promise<number>;
  #nextId = 0;
  /** Batches handed to workers so far (tests check that the worker path ran). */
  submitted = 0;

  constructor(workers: typeof NodeWorkers, threads: number, batchChunks: number) {
    this.batchChunks = batchChunks;
    this.depth = threads * PER_WORKER + 2;
    const started: Promise<void>[] = [];
    for (let i = 0; i < threads; i++) {
      const slot: Slot = {
        worker: new workers.Worker(CHUNK_WORKER_SOURCE, { eval: true }),
        online: false,
        inFlight: 0,
        pending: new Map(),
      };
      // An idle pool must not keep the process alive; a busy worker does (see #settle).
      slot.worker.unref();
      started.push(
        new Promise((resolve) => {
          slot.worker.once('online', () => {
            slot.online = true;
            resolve();
          });
          slot.worker.once('exit', () => resolve());
        }),
      );
      slot.worker.on(
        'message',
        (message: { id: number; output: ArrayBuffer; input: ArrayBuffer; verified: number }) => {
          const waiting = slot.pending.get(message.id);
          slot.pending.delete(message.id);
          if (--slot.inFlight === 0) slot.worker.unref();
          this.recycle(message.input);
          waiting?.resolve({ output: new Uint8Array(message.output), verified: message.verified });
        },
      );
      const fail = (error: unknown) => this.#drop(slot, error);
      slot.worker.on('error', fail);
      slot.worker.on('exit', () => fail(new Error('chunk worker exited')));
      this.#slots.push(slot);
    }
    this.online = Promise.all(started).then(() => this.#slots.filter((s) => s.online).length);
  }

  /** A worker that fails takes its batches with it; the rest of the pool carries on. */
  #drop(slot: Slot, error: unknown): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    slot.online = false;
    for (const waiting of slot.pending.values()) waiting.reject(error);
    slot.pending.clear();
  }

  trySubmit(job: BatchJob): Promise<BatchResult> | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.online && slot.inFlight < PER_WORKER && (!best || slot.inFlight < best.inFlight)) {
        best = slot;
      }
    }
    if (!best) return undefined;
    const slot = best;
    const id = this.#nextId++;
    this.submitted++;
    if (slot.inFlight++ === 0) slot.worker.ref();
    return new Promise<BatchResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...job }, [job.input]);
    });
  }

  buffer(size: number): ArrayBuffer {
    const index = this.#free.findIndex((buffer) => buffer.byteLength === size);
    if (index < 0) return new ArrayBuffer(size);
    return this.#free.splice(index, 1)[0]!;
  }

  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && this.#free.length < FREE_BUFFERS) this.#free.push(buffer);
  }

  terminate(): void {
    for (const slot of [...this.#slots]) {
      this.#drop(slot, new Error('chunk worker pool closed'));
      void slot.worker.terminate();
    }
  }
}

let settings: Required<ChunkWorkerSettings> | undefined;
let pool: WorkerPool | undefined;
let unavailable = false;

/** The shared pool, started on first use; undefined when worker threads are unavailable or off. */
export function chunkWorkerPool(): ChunkWorkerPool | undefined {
  if (pool || unavailable) return pool;
  const workers = builtin<typeof NodeWorkers>('node:worker_threads');
  const threads = settings?.threads ?? defaultThreads();
  if (!workers?.Worker || threads < 1) {
    unavailable = true;
    return undefined;
  }
  try {
    pool = new WorkerPool(workers, threads, settings?.batchChunks ?? DEFAULT_BATCH_CHUNKS);
  } catch {
    unavailable = true;
  }
  return pool;
}

/**
 * Tests and benchmarks only: replace the pool's settings (the current pool is
 * closed; the next stream starts a new one). `undefined` restores the defaults.
 */
export function configureChunkWorkers(next: ChunkWorkerSettings | undefined): void {
  pool?.terminate();
  pool = undefined;
  unavailable = false;
  settings = next
    ? {
        threads: next.threads ?? defaultThreads(),
        batchChunks: next.batchChunks ?? DEFAULT_BATCH_CHUNKS,
      }
    : undefined;
}

/** Tests and benchmarks only: start the pool and wait until its workers are online; resolves to how many are. */
export async function chunkWorkersOnline(): Promise<number> {
  chunkWorkerPool();
  return pool ? pool.online : 0;
}

/** Tests only: how many batches the current pool has handed to its workers. */
export function chunkWorkerBatchCount(): number {
  return pool?.submitted ?? 0;
}
