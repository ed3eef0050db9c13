/**
 * WAL checkpoints on a worker thread. A checkpoint copies the pages
 * committed to the WAL back into the database file and fsyncs it; run by
 * SQLite's auto-checkpoint it happens inside whichever COMMIT crosses the
 * threshold, so every ~64 MiB of WAL one push paid for copying all of it
 * and for the database fsync, holding the only JavaScript thread (no TLS,
 * JSON or SQL meanwhile: a stall for everyone). Here a second connection on
 * a worker thread runs PASSIVE checkpoints (they never block the writer) on
 * a timer, so the copy and the fsync overlap the request work on the other
 * core. The main connection keeps a much higher auto-checkpoint threshold as
 * a backstop should the worker fall behind.
 *
 * Durability is unchanged: a checkpoint only copies frames that are already
 * committed, and it fsyncs the WAL before copying and the database after.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Runs in the worker (CommonJS `eval` source: no file to locate in the bundle). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
let stopped = false;
function checkpoint() {
  if (stopped) return;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.checkpointed > 0) parentPort.postMessage({ frames: r.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Counters for metrics and tests. */
export interface CheckpointerStats {
  /** Checkpoints that copied at least one frame. */
  checkpoints: number;
  /** Frames copied into the database file, over all checkpoints. */
  frames: number;
  /** The last error a checkpoint reported (the next one retries), if any. */
  lastError: string | null;
}

export class Checkpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  readonly stats: CheckpointerStats = { checkpoints: 0, frames: 0, lastError: null };

  /**
   * Start checkpointing `file` (a WAL-mode database) every `intervalMs`.
   *
   * @example
   * const checkpointer = new Checkpointer('/var/lib/coffer/coffer.sqlite3', 250);
   * await checkpointer.stop();
   */
  constructor(file: string, intervalMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file, intervalMs },
    });
    // Never what keeps the process alive; close() stops it explicitly.
    this.#worker.unref();
    this.#worker.on('message', (m: { frames?: number; error?: string }) => {
      if (m.error !== undefined) this.stats.lastError = m.error;
      else if (m.frames !== undefined) {
        this.stats.checkpoints += 1;
        this.stats.frames += m.frames;
      }
    });
    this.#exited = new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      // A worker that fails to start leaves the main connection's own
      // auto-checkpoint (the backstop) to do the work.
      this.#worker.once('error', (error) => {
        this.stats.lastError = error.message;
      });
    });
  }

  /** Stop the worker and close its connection (before the main one closes). */
  async stop(): Promise<void> {
    this.#worker.postMessage('stop');
    await this.#exited;
  }
}
