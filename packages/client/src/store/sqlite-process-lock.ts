/**
 * The lock that keeps outbox changes of several processes on one SQLite
 * replica apart (see ../sync/outbox-lock.ts for what an outbox change is and
 * why two must never interleave). Inside one store the per-vault chain
 * already orders them; this adds the OS: two Node processes (cluster workers,
 * a CLI beside a service) or two stores opened on one file each hold their own
 * connection, and nothing in memory is shared between them.
 *
 * The lock is an exclusive SQLite transaction on a small side file next to
 * the replica (`<replica>-outbox-lock`): an OS file lock that ends with the
 * process however it ends, so a crashed or killed holder never leaves the
 * replica locked. A side file rather than the replica itself: a write
 * transaction held on the replica would also stop this store's own writes.
 */
import Database from 'better-sqlite3';
import { CofferClientError } from '../transport/errors.ts';

/** Suffix of the side file, after the replica's own file name. */
export const PROCESS_LOCK_SUFFIX = '-outbox-lock';

/** Default longest wait for another process's outbox change (a hung holder, not a slow one). */
export const DEFAULT_PROCESS_LOCK_WAIT_MS = 60_000;

const FIRST_PAUSE_MS = 1;
const LONGEST_PAUSE_MS = 50;

/** Wait with jitter, so two waiters do not retry in lock step. */
const pause = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms / 2 + Math.random() * ms));

/**
 * Shared by every vault of one store: the vaults' chains run side by side in
 * this process, so the first holder takes the OS lock, later ones join it, and
 * the last one out releases it.
 */
export class SqliteProcessLock {
  readonly #db: Database.Database;
  readonly #waitMs: number;
  #holders = 0;
  #taking: Promise<void> | undefined;

  constructor(replicaFile: string, waitMs = DEFAULT_PROCESS_LOCK_WAIT_MS) {
    // timeout 0: a busy lock answers at once (better-sqlite3 would otherwise
    // block the whole event loop for its busy timeout); waiting is done here.
    this.#db = new Database(`${replicaFile}${PROCESS_LOCK_SUFFIX}`, { timeout: 0 });
    this.#waitMs = waitMs;
  }

  /**
   * Hold the lock; the returned function releases this hold (once). Throws
   * CofferClientError `replica_busy` when another process held it for longer
   * than the wait allows.
   */
  async acquire(): Promise<() => void> {
    // A hold released between the take and this continuation ends the
    // transaction: take it again rather than join a lock no longer held.
    while (!this.#db.inTransaction) {
      this.#taking ??= this.#take().finally(() => {
        this.#taking = undefined;
      });
      await this.#taking;
    }
    this.#holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holders--;
      if (this.#holders === 0 && this.#db.open && this.#db.inTransaction) this.#db.exec('COMMIT');
    };
  }

  close(): void {
    // Closing ends a transaction still open, which releases the OS lock.
    if (this.#db.open) this.#db.close();
  }

  async #take(): Promise<void> {
    const deadline = Date.now() + this.#waitMs;
    let wait = FIRST_PAUSE_MS;
    for (;;) {
      if (this.#tryBegin()) return;
      if (Date.now() >= deadline)
        throw new CofferClientError(
          'replica_busy',
          `another process has held this replica's outbox for over ${Math.round(this.#waitMs / 1000)} s; local writes wait for it (is a process hung?)`,
        );
      await pause(wait);
      wait = Math.min(wait * 2, LONGEST_PAUSE_MS);
    }
  }

  #tryBegin(): boolean {
    try {
      this.#db.exec('BEGIN EXCLUSIVE');
      return true;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return false;
      throw e;
    }
  }
}
