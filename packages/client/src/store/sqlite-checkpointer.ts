/**
 * Background checkpoints for the SQLite replica (Node). With SQLite's own
 * automatic checkpoints, every few thousand pages a commit copies the WAL
 * into the database file and fsyncs both, inside the committing call: on the
 * bench machine that stalled an initial sync's main thread for about as long
 * as all its inserts took. Here a worker thread with its own connection runs
 * them after large commits, and the writer's automatic checkpoint threshold is
 * raised, staying only as a safety net that bounds the WAL if the worker
 * falls behind or stops. If the worker cannot start, nothing changes.
 */
import { Worker } from 'node:worker_threads';

/** The writer's settings the checkpointer switches between. */
export interface CheckpointTarget {
  filename: string;
  /** Set the writer connection's `wal_autocheckpoint` (pages). */
  setAutoCheckpoint(pages: number): void;
}

/** Pages of WAL after which the WRITER checkpoints itself (the default path). */
export const WRITER_AUTOCHECKPOINT = 4096;
/** The writer's threshold while the worker checkpoints (a safety net only). */
const SAFETY_NET_AUTOCHECKPOINT = 16384;

/** Runs the replica's checkpoints on a worker thread once started. */
export class SqliteCheckpointer {
  readonly #target: CheckpointTarget;
  #worker: Worker | undefined;
  #state: 'idle' | 'starting' | 'ready' | 'failed' | 'closed' = 'idle';
  #running = false;
  #again = false;
  #exited: Promise<void> = Promise.resolve();
  /** Checkpoints the worker completed (tests and diagnostics). */
  completed = 0;
  #waiters: Array<(ok: boolean) => void> = [];

  /** True while the worker takes the checkpoints. */
  get active(): boolean {
    return this.#state === 'ready';
  }

  constructor(target: CheckpointTarget) {
    this.#target = target;
  }

  /** After a commit: start the worker (first time) or ask it for a checkpoint. */
  committed(): void {
    if (this.#state === 'idle') this.#start();
    if (this.#state !== 'ready') return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#worker?.postMessage('checkpoint');
  }

  #start(): void {
    this.#state = 'starting';
    const source = import.meta.url.endsWith('.ts');
    const url = new URL(
      source ? './sqlite-checkpoint-worker.ts' : './sqlite-checkpoint-worker.js',
      import.meta.url,
    );
    let worker: Worker;
    try {
      worker = new Worker(url, {
        workerData: { filename: this.#target.filename },
        // It allocates next to nothing in JavaScript: a small heap keeps its RSS small.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
    } catch {
      this.#state = 'failed';
      return;
    }
    this.#worker = worker;
    // An idle checkpointer never keeps the process alive.
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: 'ready' | 'done' | 'busy') => {
      if (message === 'ready') {
        if (this.#state !== 'starting') return;
        this.#state = 'ready';
        this.#target.setAutoCheckpoint(SAFETY_NET_AUTOCHECKPOINT);
        this.committed();
        return;
      }
      if (message === 'done') this.completed++;
      this.#running = false;
      if (message === 'done') this.#settle(true);
      if (this.#again) {
        this.#again = false;
        this.committed();
      }
    });
    const fail = () => {
      this.#settle(false);
      if (this.#state === 'closed') return;
      this.#state = 'failed';
      this.#worker = undefined;
      this.#target.setAutoCheckpoint(WRITER_AUTOCHECKPOINT);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  /**
   * Settles after the worker's next completed checkpoint: true, or false when
   * there is no worker to take it (not started, failed, closed).
   */
  next(): Promise<boolean> {
    if (this.#state !== 'starting' && this.#state !== 'ready') return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #settle(ok: boolean): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(ok);
  }

  /** Stop the worker (its connection closes cleanly); the writer's settings go back. */
  async close(): Promise<void> {
    const worker = this.#worker;
    const wasReady = this.#state === 'ready';
    this.#state = 'closed';
    this.#worker = undefined;
    this.#settle(false);
    if (!worker) return;
    if (wasReady) this.#target.setAutoCheckpoint(WRITER_AUTOCHECKPOINT);
    // Closing is awaited: the worker must keep the process alive until its
    // connection is closed.
    worker.ref();
    worker.postMessage('close');
    await this.#exited;
  }
}
