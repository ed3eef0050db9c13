/**
 * An inter-process lock on a file: an exclusive SQLite transaction on a small
 * side file, i.e. an OS file lock (fcntl / LockFileEx) that ends with the
 * process however it ends, so a crashed or killed holder never leaves it
 * locked. The SQLite store holds one around each outbox change
 * (`<replica>-outbox-lock`, see ../sync/outbox-lock.ts); the CLI holds one on
 * its profile around whole commands.
 *
 * A side file rather than the replica itself: a write transaction held on the
 * replica would also stop the holder's own writes.
 */
import Database from 'better-sqlite3';
import { CofferClientError } from '../transport/errors.ts';

export interface SqliteFileLockOptions {
  /** Longest wait for another process's hold before `acquire` rejects (default 60 000 ms). */
  waitMs?: number;
  /** Called once when a wait has lasted `noticeAfterMs` (default 1 000 ms): say why nothing happens. */
  onWait?: () => void;
  noticeAfterMs?: number;
  /** What `acquire` rejects with when the wait is over (default: CofferClientError `replica_busy`). */
  timeoutError?: (waitMs: number) => Error;
}

const FIRST_PAUSE_MS = 1;
const LONGEST_PAUSE_MS = 50;

/** Wait with jitter, so two waiters do not retry in lock step. */
const pause = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms / 2 + Math.random() * ms));

const busyError = (waitMs: number) =>
  new CofferClientError(
    'replica_busy',
    `another process has held this replica's outbox for over ${Math.round(waitMs / 1000)} s; local writes wait for it (is a process hung?)`,
  );

/**
 * One lock file, shared by every hold in this process: the first hold takes
 * the OS lock, overlapping ones join it, and the last one out releases it.
 *
 * @example
 * const lock = new SqliteFileLock('/home/me/.coffer/profile.lock', { waitMs: 600_000 });
 * const release = await lock.acquire();
 * try { await oneWholeOperation(); } finally { release(); }
 */
export class SqliteFileLock {
  readonly #db: Database.Database;
  readonly #options: SqliteFileLockOptions;
  #holders = 0;
  #taking: Promise<void> | undefined;

  /** Opens (creating) `file`; throws what SQLite throws when it cannot. */
  constructor(file: string, options: SqliteFileLockOptions = {}) {
    // timeout 0: a busy lock answers at once (better-sqlite3 would otherwise
    // block the whole event loop for its busy timeout); waiting is done here.
    this.#db = new Database(file, { timeout: 0 });
    this.#options = options;
  }

  /** Hold the lock; the returned function releases this hold (once). */
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
    const { waitMs = 60_000, noticeAfterMs = 1_000, onWait } = this.#options;
    const start = Date.now();
    let noticed = false;
    let wait = FIRST_PAUSE_MS;
    for (;;) {
      if (this.#tryBegin()) return;
      const waited = Date.now() - start;
      if (waited >= waitMs) throw (this.#options.timeoutError ?? busyError)(waitMs);
      if (!noticed && waited >= noticeAfterMs) {
        noticed = true;
        onWait?.();
      }
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
