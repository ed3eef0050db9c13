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

/**
 * Input of one batch, in shared memory so that the calling thread can take a
 * batch back from a worker that has not started it (a worker descheduled on a
 * busy machine must not stall the stream). `state[0]`: 0 queued, 1 claimed by
 * a worker, 2 taken back by the calling thread.
 */
export interface BatchBuffer {
  bytes: Uint8Array;
  state: Int32Array;
}

/** One batch of `count` full chunks for a worker. */
export interface BatchJob {
  open: boolean;
  key: Uint8Array;
  nonce: Uint8Array;
  counter: number;
  count: number;
  input: BatchBuffer;
}

/** A worker's answer: `verified` leading chunks done; the output past them is zeros. */
export interface BatchResult {
  output: Uint8Array;
  verified: number;
}

/** A batch handed to a worker. */
export interface RunningBatch {
  /**
   * Set (synchronously, by {@link ChunkWorkerPool.poll} or the port listener)
   * once the worker has answered: its result, or `'skipped'` for a batch
   * taken back. `undefined` while the worker holds it.
   */
  answer: BatchResult | 'skipped' | undefined;
  /** Resolves once `answer` is set; rejects if the worker died first. */
  answered: Promise<void>;
  /** Take the batch back if no worker has started it; true when this thread must run it. */
  takeBack(): boolean;
}

export interface ChunkWorkerPool {
  /** Full chunks per batch. */
  readonly batchChunks: number;
  /** Batches a stream may hold in flight or finished but not yet emitted. */
  readonly depth: number;
  /** Start `job` on a worker that is online and has room, or return undefined (run it here). */
  trySubmit(job: BatchJob): RunningBatch | undefined;
  /** Take in every answer already sent, without yielding to the event loop. */
  poll(): void;
  /** A batch input buffer of `size` bytes (recycled when possible), state 0. */
  buffer(size: number): BatchBuffer;
  /** Give back a buffer that no worker holds. */
  recycle(buffer: BatchBuffer): void;
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

function defaultThreads(): number {
  const os = builtin<typeof NodeOs>('node:os');
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(0, Math.min(MAX_THREADS, cores - 1));
}

type WorkerAnswer =
  | { id: number; skipped: true }
  | { id: number; skipped?: undefined; output: ArrayBuffer; verified: number };

interface Pending {
  running: RunningBatch;
  input: BatchBuffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: NodeWorkers.Worker;
  results: NodeWorkers.MessagePort;
  online: boolean;
  pending: Map<number, Pending>;
}

class WorkerPool implements ChunkWorkerPool {
  readonly batchChunks: number;
  readonly depth: number;
  readonly online: Promise<number>;
  readonly #workers: typeof NodeWorkers;
  readonly #slots: Slot[] = [];
  readonly #free: BatchBuffer[] = [];
  #nextId = 0;
  /** Batches handed to workers so far, and how many of them were taken back. */
  submitted = 0;
  takenBack = 0;

  constructor(workers: typeof NodeWorkers, threads: number, batchChunks: number) {
    this.#workers = workers;
    this.batchChunks = batchChunks;
    this.depth = threads * PER_WORKER + 2;
    const started: Promise<void>[] = [];
    for (let i = 0; i < threads; i++) {
      const channel = new workers.MessageChannel();
      const slot: Slot = {
        worker: new workers.Worker(CHUNK_WORKER_SOURCE, {
          eval: true,
          workerData: { results: channel.port2 },
          transferList: [channel.port2],
        }),
        results: channel.port1,
        online: false,
        pending: new Map(),
      };
      // Answers arrive through poll() or, when this thread waits, the listener.
      slot.results.on('message', (message: WorkerAnswer) => this.#answer(slot, message));
      // An idle pool must not keep the process alive (see #busy); a starting one does.
      slot.results.unref();
      started.push(
        new Promise((resolve) => {
          slot.worker.once('online', () => {
            slot.online = true;
            if (slot.pending.size === 0) this.#busy(slot, false);
            resolve();
          });
          slot.worker.once('exit', () => resolve());
        }),
      );
      const fail = (error: unknown) => this.#drop(slot, error);
      slot.worker.on('error', fail);
      slot.worker.on('exit', () => fail(new Error('chunk worker exited')));
      this.#slots.push(slot);
    }
    this.online = Promise.all(started).then(() => this.#slots.filter((s) => s.online).length);
  }

  #busy(slot: Slot, busy: boolean): void {
    if (busy) {
      slot.worker.ref();
      slot.results.ref();
    } else {
      slot.worker.unref();
      slot.results.unref();
    }
  }

  #answer(slot: Slot, message: WorkerAnswer): void {
    const pending = slot.pending.get(message.id);
    if (!pending) return;
    slot.pending.delete(message.id);
    if (slot.pending.size === 0) this.#busy(slot, false);
    // The worker is done with the input either way: it can serve another batch.
    this.recycle(pending.input);
    pending.running.answer = message.skipped
      ? 'skipped'
      : { output: new Uint8Array(message.output), verified: message.verified };
    pending.resolve();
  }

  /** A worker that fails takes its batches with it; the rest of the pool carries on. */
  #drop(slot: Slot, error: unknown): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    slot.online = false;
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
    slot.results.close();
  }

  trySubmit(job: BatchJob): RunningBatch | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      const load = slot.pending.size;
      if (slot.online && load < PER_WORKER && (!best || load < best.pending.size)) best = slot;
    }
    if (!best) return undefined;
    const slot = best;
    const id = this.#nextId++;
    this.submitted++;
    if (slot.pending.size === 0) this.#busy(slot, true);
    const { input, ...rest } = job;
    let settle: Pick<Pending, 'resolve' | 'reject'> | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Reported by whoever waits for it; a failure after a take-back must not go unhandled.
    answered.catch(() => {});
    const running: RunningBatch = {
      answer: undefined,
      answered,
      takeBack: () => {
        const taken = Atomics.compareExchange(input.state, 0, 0, 2) === 0;
        if (taken) this.takenBack++;
        return taken;
      },
    };
    slot.pending.set(id, { running, input, ...settle! });
    slot.worker.postMessage({ id, ...rest, input: input.bytes.buffer, state: input.state.buffer });
    return running;
  }

  poll(): void {
    for (const slot of this.#slots) {
      if (slot.pending.size === 0) continue;
      for (;;) {
        const received = this.#workers.receiveMessageOnPort(slot.results);
        if (!received) break;
        this.#answer(slot, received.message as WorkerAnswer);
      }
    }
  }

  buffer(size: number): BatchBuffer {
    const index = this.#free.findIndex((buffer) => buffer.bytes.length === size);
    const found = index < 0 ? undefined : this.#free.splice(index, 1)[0];
    if (found) {
      found.state[0] = 0;
      return found;
    }
    return {
      bytes: new Uint8Array(new SharedArrayBuffer(size)),
      state: new Int32Array(new SharedArrayBuffer(4)),
    };
  }

  recycle(buffer: BatchBuffer): void {
    if (this.#free.length < FREE_BUFFERS) this.#free.push(buffer);
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

/** Benchmarks: batches handed to workers, and how many of those the calling thread took back. */
export function chunkWorkerStats(): { submitted: number; takenBack: number } {
  return { submitted: pool?.submitted ?? 0, takenBack: pool?.takenBack ?? 0 };
}
