/**
 * A {@link RecordOpener} on `worker_threads` for Node: batches of pulled
 * envelopes are cut into parts that a few worker threads open while the
 * main thread fetches and parses the next page and writes the last one to
 * the store; between its own tasks, the main thread opens queued parts too.
 * If a worker cannot start (for example in a bundle that left the worker
 * file behind), every part is opened in this thread instead.
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
/** Jobs per part of a batch: the unit a worker takes, or this thread takes back. */
const PART_JOBS = 128;
/** Parts a worker holds at once: one running, one waiting, so it never idles between messages. */
const PARTS_PER_WORKER = 2;

/** A part of a batch not yet handed to a worker. */
interface QueuedPart {
  keys: OpenKeys;
  jobs: ReadonlyArray<OpenJob>;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

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

  constructor(url: URL, execArgv: string[], onIdle: () => void) {
    this.loaded = new Promise((resolve) => {
      this.#loaded = resolve;
    });
    this.worker = new Worker(url, { execArgv, resourceLimits: WORKER_LIMITS });
    this.worker.unref();
    this.worker.on('message', (reply: Reply | 'ready') => {
      if (reply === 'ready') {
        this.ready = true;
        this.#loaded(true);
        onIdle();
        return;
      }
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.worker.unref();
      waiter?.resolve(unpack(reply));
      onIdle();
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
  /**
   * Parts of batches no worker has yet, oldest first. Workers take from the
   * front; this thread takes from the back whenever its event loop comes
   * round (the sync's own work, parsing and storing pages, goes first). On a
   * machine with as many busy threads as cores, a worker alone opened at
   * most half the pages' envelopes per second that both threads do.
   */
  const queue: QueuedPart[] = [];
  let takeBackScheduled = false;

  const inThisThread = (part: QueuedPart): void => {
    openRecordBatch(part.keys, part.jobs).then(part.resolve, part.reject);
  };

  const dispatch = (): void => {
    const live = workers?.filter((w) => w.ready && !w.broken) ?? [];
    for (;;) {
      const idle = live.filter((w) => w.load < PARTS_PER_WORKER);
      if (idle.length === 0 || queue.length === 0) break;
      const worker = idle.reduce((a, b) => (b.load < a.load ? b : a));
      const part = queue.shift() as QueuedPart;
      // A worker that fails hands its part back to this thread, and the
      // parts still queued are shared out again without it (with no worker
      // left, this thread takes them all).
      worker.run(nextId++, part.keys, part.jobs).then(part.resolve, () => {
        inThisThread(part);
        dispatch();
      });
    }
    // This thread takes a part back only from a backlog beyond what the
    // workers will ask for next: taking more starved them while this thread,
    // which also parses and stores every page, became the slowest.
    const reserve = live.length * PARTS_PER_WORKER;
    if (queue.length > reserve && !takeBackScheduled) {
      takeBackScheduled = true;
      setImmediate(takeBack);
    }
  };

  function takeBack(): void {
    takeBackScheduled = false;
    const live = workers?.filter((w) => w.ready && !w.broken) ?? [];
    const part = queue.length > live.length * PARTS_PER_WORKER ? queue.pop() : undefined;
    if (part) inThisThread(part);
    dispatch();
  }

  const start = (): void => {
    if (workers) return;
    try {
      workers = Array.from({ length: size }, () => new PooledWorker(url, execArgv, dispatch));
    } catch {
      workers = [];
    }
  };

  return {
    async open(keys, jobs) {
      if (closed || jobs.length < MIN_WORKER_BATCH) return openRecordBatch(keys, jobs);
      // Until a worker has loaded, this thread takes every part: the first
      // page of a large sync does not wait for threads to start.
      start();
      const parts: Array<Promise<Result>> = [];
      for (let at = 0; at < jobs.length; at += PART_JOBS) {
        parts.push(
          new Promise<Result>((resolve, reject) => {
            queue.push({ keys, jobs: jobs.slice(at, at + PART_JOBS), resolve, reject });
          }),
        );
      }
      dispatch();
      const results = await Promise.all(parts);
      return {
        outcomes: results.flatMap((r) => r.outcomes),
        envelopes: results.flatMap((r) => r.envelopes),
      };
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
      // Parts still queued open here, so no caller waits forever.
      for (const part of queue.splice(0)) inThisThread(part);
    },
  };
}
