import type * as NodeOs from 'node:os';
import type * as NodeWorkers from 'node:worker_threads';
import { CHUNK_WORKER_SOURCE } from './chunk-worker-source.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE } from './constants.ts';

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

/**
 * A worker's answer: `verified` leading chunks done. `pieces` are buffers the
 * worker transferred (now this thread's, never shared): one per verified
 * chunk (its ciphertext when sealing, its plaintext when opening) and, when
 * sealing, a last one holding the 16-byte tags of all `count` chunks.
 */
export interface BatchResult {
  pieces: ArrayBuffer[];
  verified: number;
}

/** A batch handed to a worker. */
export interface RunningBatch {
  /**
   * Set (synchronously, by {@link ChunkWorkerPool.poll} or the port listener)
   * once the worker has answered: its result, or `'skipped'` for a batch
   * taken back. `undefined` while the worker holds it.
   */
  answer: BatchResult | 'skipped' | 'lost' | undefined;
  /**
   * Resolves once `answer` is set. `'lost'`: the worker died; its input is
   * intact (workers only read it), so the calling thread runs the batch.
   */
  answered: Promise<void>;
  /** Take the batch back if no worker has started it; true when this thread must run it. */
  takeBack(): boolean;
}

export interface ChunkWorkerPool {
  /** Full chunks per batch. */
  readonly batchChunks: number;
  /** Batches a stream may hold in flight or finished but not yet emitted. */
  readonly depth: number;
  /**
   * Queue `job` on a worker with room, or return undefined (run it here). A
   * worker still starting counts: its queue waits, and the calling thread
   * takes the batch back if it needs it first.
   */
  trySubmit(job: BatchJob): RunningBatch | undefined;
  /** Take in every answer already sent, without yielding to the event loop. */
  poll(): void;
  /** Buffers for a batch of `count` chunks to seal or open (recycled when possible), state 0. */
  buffer(count: number, open: boolean): BatchBuffer;
  /** Give back a buffer that no worker holds. */
  recycle(buffer: BatchBuffer): void;
}

/** Test and bench knobs; `threads: 0` turns the pool off. */
export interface ChunkWorkerSettings {
  threads?: number;
  batchChunks?: number;
}

// A worker holds at most this many batches: one running, two queued behind it
// (the calling thread takes queued ones back rather than wait; see ChunkBatches).
const PER_WORKER = 3;
const MAX_THREADS = 3;
const DEFAULT_BATCH_CHUNKS = 64;
/**
 * Free batch buffers kept per size (sealing and opening use different sizes).
 * Enough for two streams at full depth, so that a steady stream never drops
 * one: a SharedArrayBuffer dropped here stays alive until the worker, which
 * saw it, also collects garbage, which an idle worker does rarely (measured:
 * with 8 shared between sizes, a 1 GiB seal->open pipeline held ~50 MB of them).
 */
const FREE_PER_SIZE = 2 * (MAX_THREADS * PER_WORKER + 2);

const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };

function builtin<T>(id: string): T | undefined {
  try {
    return runtime.process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Worker threads when the caller asks for the default. Off: measured on the
 * shared 2-core machine (2026-11-29, same-run comparisons), one worker did
 * not make streams clearly faster (64 MiB seal/open ~700-1040 MB/s pooled
 * against ~730-1190 on one thread, at 1.3-1.8x the CPU per MB) and a 1 GiB
 * seal->open pipeline peaked at ~210-240 MB RSS instead of ~91 MB: output
 * buffers handed between threads outlive a young-generation collection and
 * then wait for a full one, which V8 starts only after ~64 MB more external
 * memory; each isolate lets that much pile up. Smaller batches with one
 * queued per worker cut the peak to ~120 MB but cost throughput.
 * Benchmarks turn the pool on with configureChunkWorkers to measure it.
 */
const DEFAULT_THREADS = 0;

/** One worker per spare core, at most MAX_THREADS. */
export function spareCoreThreads(): number {
  const os = builtin<typeof NodeOs>('node:os');
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(0, Math.min(MAX_THREADS, cores - 1));
}

function defaultThreads(): number {
  return DEFAULT_THREADS;
}

type WorkerAnswer =
  | { id: number; skipped: true }
  | { id: number; skipped?: undefined; pieces: ArrayBuffer[]; verified: number };

interface Pending {
  running: RunningBatch;
  input: BatchBuffer;
  resolve: () => void;
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
  readonly #workers: typeof NodeWorkers;
  readonly #threads: number;
  #online: Promise<number> | undefined;
  readonly #slots: Slot[] = [];
  readonly #free = new Map<number, BatchBuffer[]>();
  #nextId = 0;
  /** Batches handed to workers so far, how many were taken back, and how many a worker answered. */
  submitted = 0;
  takenBack = 0;
  answered = 0;

  constructor(workers: typeof NodeWorkers, threads: number, batchChunks: number) {
    this.#workers = workers;
    this.#threads = threads;
    this.batchChunks = batchChunks;
    this.depth = threads * PER_WORKER + 2;
  }

  /**
   * Start the workers (once; the first full batch does it, so a process that
   * only streams small messages never starts a thread). Resolves to how many
   * came online.
   */
  start(): Promise<number> {
    if (this.#online) return this.#online;
    const started: Promise<void>[] = [];
    try {
      for (let i = 0; i < this.#threads; i++) started.push(this.#spawn());
    } catch {
      // No threads here after all (e.g. a sandbox): the calling thread does it all.
    }
    this.#online = Promise.all(started).then(() => this.#slots.filter((s) => s.online).length);
    return this.#online;
  }

  #spawn(): Promise<void> {
    const channel = new this.#workers.MessageChannel();
    const slot: Slot = {
      worker: new this.#workers.Worker(CHUNK_WORKER_SOURCE, {
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
    slot.worker.on('error', () => this.#drop(slot));
    slot.worker.on('exit', () => this.#drop(slot));
    this.#slots.push(slot);
    return new Promise((resolve) => {
      slot.worker.once('online', () => {
        slot.online = true;
        if (slot.pending.size === 0) this.#busy(slot, false);
        resolve();
      });
      slot.worker.once('exit', () => resolve());
    });
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
    if (!message.skipped) this.answered++;
    pending.running.answer = message.skipped
      ? 'skipped'
      : { pieces: message.pieces, verified: message.verified };
    // The worker is done with the input either way: it can serve another batch.
    this.recycle(pending.input);
    pending.resolve();
  }

  /** A worker that fails leaves its batches to the calling thread; the pool carries on without it. */
  #drop(slot: Slot): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    slot.online = false;
    for (const pending of slot.pending.values()) {
      pending.running.answer = 'lost';
      pending.resolve();
    }
    slot.pending.clear();
    slot.results.close();
  }

  trySubmit(job: BatchJob): RunningBatch | undefined {
    if (!this.#online) void this.start();
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      const load = slot.pending.size;
      if (load < PER_WORKER && (!best || load < best.pending.size)) best = slot;
    }
    if (!best) return undefined;
    const slot = best;
    const id = this.#nextId++;
    this.submitted++;
    if (slot.pending.size === 0) this.#busy(slot, true);
    const { input, ...rest } = job;
    let resolve: () => void = () => {};
    const answered = new Promise<void>((done) => {
      resolve = done;
    });
    const running: RunningBatch = {
      answer: undefined,
      answered,
      takeBack: () => {
        const taken = Atomics.compareExchange(input.state, 0, 0, 2) === 0;
        if (taken) this.takenBack++;
        return taken;
      },
    };
    slot.pending.set(id, { running, input, resolve });
    slot.worker.postMessage({
      id,
      ...rest,
      input: input.bytes.buffer,
      state: input.state.buffer,
    });
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

  buffer(count: number, open: boolean): BatchBuffer {
    const size = count * (open ? SEALED_CHUNK_SIZE : CHUNK_SIZE);
    const found = this.#free.get(size)?.pop();
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
    const size = buffer.bytes.length;
    let free = this.#free.get(size);
    if (!free) {
      free = [];
      this.#free.set(size, free);
    }
    if (free.length < FREE_PER_SIZE) free.push(buffer);
  }

  /** Tests only: end every worker abruptly, as a crash would (the pool learns of it from 'exit'). */
  crash(): void {
    for (const slot of this.#slots) void slot.worker.terminate();
  }

  terminate(): void {
    for (const slot of [...this.#slots]) {
      this.#drop(slot);
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
  return pool ? pool.start() : 0;
}

/** Tests only: kill the current pool's workers as a crash would; streams carry on without them. */
export function crashChunkWorkers(): void {
  pool?.crash();
}

/** Tests only: how many batches the current pool has handed to its workers. */
export function chunkWorkerBatchCount(): number {
  return pool?.submitted ?? 0;
}

/** Benchmarks and tests: batches handed to workers, taken back by the calling thread, and answered by a worker. */
export function chunkWorkerStats(): { submitted: number; takenBack: number; answered: number } {
  return {
    submitted: pool?.submitted ?? 0,
    takenBack: pool?.takenBack ?? 0,
    answered: pool?.answered ?? 0,
  };
}
