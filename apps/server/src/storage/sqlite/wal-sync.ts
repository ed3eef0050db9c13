/**
 * Durable commits without holding the event loop. With `synchronous=FULL`
 * SQLite fsyncs the WAL inside COMMIT, and better-sqlite3 blocks the only
 * JavaScript thread for the whole fsync (5-30 ms on a virtual disk), so no
 * TLS, JSON or SQL work overlaps it. Here the connection runs with
 * `synchronous=NORMAL` (a COMMIT only write()s its WAL frames; checkpoints
 * still fsync the WAL before copying it and the database after) and this
 * class fsyncs the WAL file on libuv's thread pool instead. The promise is
 * the same as FULL's:
 *
 * - nothing is acknowledged before an fsync that started after its COMMIT
 *   returned (`whenDurable`);
 * - nothing leaves the process before it is durable either: every store call
 *   waits for the commits it may have seen (the store calls `barrier()`
 *   after each one), so a pull, a conflict answer or a notification never
 *   shows a write that power loss could still take back (with FULL the
 *   WAL index is likewise updated only after the fsync);
 * - an fsync error fails closed: every waiter and every later call gets it
 *   (the kernel may already have dropped the dirty pages, so a later fsync
 *   succeeding would prove nothing).
 *
 * One fsync covers every commit made before it started, so commits that
 * arrive while one is in flight share the next (group fsync).
 */
import { closeSync, fdatasync } from 'node:fs';

/** How the WAL file is flushed; tests substitute a controllable one. */
export type SyncFile = (fd: number, done: (error: Error | null) => void) => void;

export const fdatasyncFile: SyncFile = (fd, done) => fdatasync(fd, done);

type Waiter = { ticket: number; resolve: () => void; reject: (error: unknown) => void };

/** Counters for metrics and tests. */
export interface WalSyncStats {
  /** fsyncs completed. */
  syncs: number;
}

export class WalSync {
  readonly #fd: number;
  readonly #sync: SyncFile;
  /** Commits (write calls) made so far, each possibly not yet durable. */
  #committed = 0;
  /** Every commit up to this number is durable. */
  #durable = 0;
  #inFlight = false;
  #idleWaiters: Array<() => void> = [];
  #waiters: Waiter[] = [];
  #failed: Error | null = null;
  readonly stats: WalSyncStats = { syncs: 0 };

  constructor(fd: number, sync: SyncFile = fdatasyncFile) {
    this.#fd = fd;
    this.#sync = sync;
  }

  /** The error that stopped this store, if an fsync ever failed. */
  get failed(): Error | null {
    return this.#failed;
  }

  /** Record that a write was committed (not yet durable); returns its ticket. */
  noteCommit(): number {
    this.#committed += 1;
    return this.#committed;
  }

  /**
   * Resolves once every commit noted so far is on disk.
   *
   * @example
   * const outcomes = runPushes(db); walSync.noteCommit(); await walSync.barrier();
   */
  barrier(): Promise<void> {
    return this.whenDurable(this.#committed);
  }

  /** Resolves once commit number `ticket` is on disk. */
  whenDurable(ticket: number): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (ticket <= this.#durable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ ticket, resolve, reject });
      this.#start();
    });
  }

  #start(): void {
    if (this.#inFlight || this.#failed) return;
    this.#inFlight = true;
    // Covers exactly the commits that returned before this point.
    const target = this.#committed;
    this.#sync(this.#fd, (error) => {
      this.#inFlight = false;
      this.stats.syncs += 1;
      for (const wake of this.#idleWaiters.splice(0)) wake();
      if (error) {
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        this.#failed = new Error(`WAL fsync failed (${code}); the store refuses further work`);
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) w.reject(this.#failed);
        return;
      }
      this.#durable = Math.max(this.#durable, target);
      const still: Waiter[] = [];
      for (const w of this.#waiters) {
        if (w.ticket <= this.#durable) w.resolve();
        else still.push(w);
      }
      this.#waiters = still;
      if (still.length > 0) this.#start();
    });
  }

  /**
   * While an fsync runs: a promise that settles when it ends (whatever its
   * outcome); otherwise undefined. Group commit waits on it so that pushes
   * arriving during one fsync are committed together afterwards (one
   * commit and one fsync for all of them) instead of one commit each.
   */
  whenIdle(): Promise<void> | undefined {
    if (!this.#inFlight) return undefined;
    return new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** True when every commit noted so far is on disk (and no fsync failed). */
  get durable(): boolean {
    return this.#durable >= this.#committed && this.#failed === null;
  }

  /** Release the file descriptor (after a final barrier). */
  close(): void {
    closeSync(this.#fd);
  }
}
