/**
 * A {@link RecordOpener} on `worker_threads` for Node: batches of pulled
 * envelopes are opened on a few worker threads while the main thread
 * fetches and parses the next page and writes the last one to the store.
 * If a worker cannot start (for example in a bundle that left the worker
 * file behind), batches are opened in this thread instead.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type PackedOutcomes, packJobs, unpackOutcomes } from './open-batch-wire.ts';
import { type OpenJob, type OpenKeys, type OpenOutcome, openRecordBatch } from './open-records.ts';
import { packedEnvelope } from './packed-armor.ts';
import type { RecordOpener } from './record-opener.ts';

interface Reply extends PackedOutcomes {
  id: number;
  packed: Uint8Array;
  offsets: Int32Array;
}

type Result = { outcomes: OpenOutcome[]; envelopes: Array<Uint8Array | undefined> };

/**
 * The worker's young generation, capped. V8 sizes it from the machine's
 * memory (about 100 MiB here), and opening pages fills it with short-lived
 * strings and buffers before every collection: the 100 000-record bench
 * sync peaked at ~565 MiB RSS with the default and ~440 with 16 MiB, at the
 * same CPU time (what lives across a collection is one batch, ~2 MiB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** Below this many jobs a batch stays in this thread (a message round trip costs more). */
const MIN_WORKER_BATCH = 64;

function unpack(reply: Reply): Result {
  const outcomes = unpackOutcomes(reply);
  return { outcomes, envelopes: outcomes.map((_, i) => packedEnvelope(reply, i)) };
}

class PooledWorker {
  readonly worker: Worker;
  /** Settles true when the worker has loaded, false when it failed first. */
  readonly loaded: Promise<boolean>;
  #loaded: (ok: boolean) => void = () => {};
  readonly #waiting = new Map<number, { resolve(r: Result): void; reject(e: unknown): void }>();
  broken = false;
  /** Set once the worker has loaded its modules and said so. */
  ready = false;

  constructor(url: URL, execArgv: string[]) {
    this.loaded = new Promise((resolve) => {
      this.#loaded = resolve;
    });
    this.worker = new Worker(url, { execArgv, resourceLimits: WORKER_LIMITS });
    this.worker.unref();
    this.worker.on('message', (reply: Reply | 'ready') => {
      if (reply === 'ready') {
        this.ready = true;
        this.#loaded(true);
        return;
      }
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.worker.unref();
      waiter?.resolve(unpack(reply));
    });
    this.worker.on('error', (error) => this.#fail(error));
    this.worker.on('exit', () => this.#fail(new Error('open worker exited')));
  }

  #fail(error: unknown): void {
    this.broken = true;
    this.#loaded(false);
    for (const w of this.#waiting.values()) w.reject(error);
    this.#waiting.clear();
  }

  get load(): number {
    return this.#waiting.size;
  }

  run(id: number, keys: OpenKeys, jobs: ReadonlyArray<OpenJob>): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      // A batch in flight keeps the process alive; an idle pool does not.
      this.worker.ref();
      const batch = packJobs(jobs);
      this.worker.postMessage({ id, keys, ...batch }, [
        batch.packed.buffer,
        batch.offsets.buffer,
      ] as ArrayBuffer[]);
    });
  }
}

/** Options of {@link createNodeOpenPool}. */
export interface NodeOpenPoolOptions {
  /** Worker threads (default: one per core but one, at most 4). */
  size?: number;
  /**
   * The worker module (default: `open-worker.js` beside this module, or the
   * `.ts` source). A bundle that moves this code elsewhere points it at the
   * built `@coffer/client/open-worker` file.
   */
  workerUrl?: URL;
}

/** The pool, with a way to wait until its threads are up (tests, benches). */
export interface NodeOpenPool extends RecordOpener {
  /** Start the threads now; true once every one has loaded (false: none could). */
  started(): Promise<boolean>;
}

/**
 * A pool of open workers, started lazily on the first large batch.
 *
 * @example
 * const core = createSyncCore({ ...options, opener: createNodeOpenPool() });
 */
export function createNodeOpenPool(options: NodeOpenPoolOptions = {}): NodeOpenPool {
  const size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  // Source (tests, benches: .ts run with type stripping) or the built dist file.
  const source = import.meta.url.endsWith('.ts');
  const url =
    options.workerUrl ?? new URL(source ? './open-worker.ts' : './open-worker.js', import.meta.url);
  const execArgv = source ? ['--conditions=@coffer/source'] : [];
  let workers: PooledWorker[] | undefined;
  let nextId = 0;
  let closed = false;

  const start = (): PooledWorker[] => {
    if (!workers) {
      try {
        workers = Array.from({ length: size }, () => new PooledWorker(url, execArgv));
      } catch {
        workers = [];
      }
    }
    // Until a worker has loaded, batches open here: the first page of a large
    // sync does not wait for threads to start.
    return workers.filter((w) => w.ready && !w.broken);
  };

  return {
    async open(keys, jobs) {
      const live = closed || jobs.length < MIN_WORKER_BATCH ? [] : start();
      if (live.length === 0) return openRecordBatch(keys, jobs);
      // A batch is split across the workers, each part to the least busy one.
      const parts = Math.min(live.length, Math.ceil(jobs.length / MIN_WORKER_BATCH));
      const per = Math.ceil(jobs.length / parts);
      const byLoad = [...live].sort((a, b) => a.load - b.load);
      try {
        const results = await Promise.all(
          byLoad
            .slice(0, parts)
            .map((w, i) => w.run(nextId++, keys, jobs.slice(i * per, (i + 1) * per))),
        );
        return {
          outcomes: results.flatMap((r) => r.outcomes),
          envelopes: results.flatMap((r) => r.envelopes),
        };
      } catch {
        return openRecordBatch(keys, jobs);
      }
    },
    async started() {
      if (closed) return false;
      start();
      const loaded = await Promise.all((workers ?? []).map((w) => w.loaded));
      return loaded.length > 0 && loaded.every(Boolean);
    },
    close() {
      closed = true;
      for (const w of workers ?? []) void w.worker.terminate();
      workers = undefined;
    },
  };
}
