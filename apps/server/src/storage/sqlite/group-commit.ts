/**
 * Group commit for SQLite writes. With `synchronous=FULL` every COMMIT waits
 * for an fsync of the WAL (several milliseconds on a virtual disk), and
 * better-sqlite3 holds the event loop while it waits. Writes queued while
 * the loop was busy are therefore run together: ONE `BEGIN IMMEDIATE`
 * transaction, each write isolated in its own SAVEPOINT (a write that throws
 * is rolled back alone, the others stay), ONE commit, and only then is any
 * of them acknowledged. The durability promise is unchanged: nothing
 * resolves before the fsync of the commit that holds it.
 */
import type { Database } from 'better-sqlite3';

type Job = {
  run: (db: Database) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Counters for metrics and tests. */
export interface GroupCommitStats {
  /** Transactions committed (or rolled back as a whole). */
  groups: number;
  /** Writes run, over all groups. */
  writes: number;
  /** Most writes in one group. */
  largestGroup: number;
}

export class GroupCommit {
  readonly #mapError: (error: unknown) => unknown;
  #queue: Job[] = [];
  #scheduled = false;
  readonly stats: GroupCommitStats = { groups: 0, writes: 0, largestGroup: 0 };
  // Nested better-sqlite3 transaction functions run as SAVEPOINTs.
  readonly #isolated: (run: Job['run']) => unknown;
  readonly #group: { immediate: (jobs: Job[], settled: Settled[]) => void };

  /** While this returns a promise (an fsync is running), the next group waits for it. */
  readonly #gate: (() => Promise<void> | undefined) | undefined;

  constructor(
    db: Database,
    mapError: (error: unknown) => unknown,
    gate?: () => Promise<void> | undefined,
  ) {
    this.#mapError = mapError;
    this.#gate = gate;
    this.#isolated = db.transaction((run: Job['run']) => run(db));
    this.#group = db.transaction((jobs: Job[], settled: Settled[]) => {
      for (const job of jobs) {
        try {
          settled.push({ ok: true, value: this.#isolated(job.run) });
        } catch (error) {
          settled.push({ ok: false, error });
          // SQLite itself ended the transaction (disk full, I/O error): the
          // whole group is gone, so nothing in it may be acknowledged.
          if (!db.inTransaction) throw error;
        }
      }
    });
  }

  /**
   * Queue a write; it runs in the next group, after the current turn of the
   * event loop, and resolves once that group is durably committed.
   *
   * @example
   * const outcome = await commits.enqueue((db) => records.pushMutations(db, v, a, ms, o));
   */
  enqueue<T>(run: (db: Database) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate runs after the poll phase: every request whose body
        // arrived in this turn has queued its write by then.
        setImmediate(() => this.#flushWhenOpen());
      }
    });
  }

  /** Flush now, or once the running fsync ends (the queue keeps filling meanwhile). */
  #flushWhenOpen(): void {
    const wait = this.#gate?.();
    if (wait === undefined) this.flush();
    else void wait.then(() => this.#flushWhenOpen());
  }

  /** Run everything queued now, in one transaction (also called on close). */
  flush(): void {
    this.#scheduled = false;
    const jobs = this.#queue;
    if (jobs.length === 0) return;
    this.#queue = [];
    const settled: Settled[] = [];
    let groupError: unknown;
    try {
      this.#group.immediate(jobs, settled);
    } catch (error) {
      groupError = error;
    }
    this.stats.groups += 1;
    this.stats.writes += jobs.length;
    this.stats.largestGroup = Math.max(this.stats.largestGroup, jobs.length);
    for (const [i, job] of jobs.entries()) {
      const own = settled[i];
      if (own !== undefined && !own.ok) job.reject(this.#mapError(own.error));
      else if (groupError !== undefined) job.reject(this.#mapError(groupError));
      else job.resolve(own?.value);
    }
  }

  /** True while writes wait for their group. */
  get pending(): boolean {
    return this.#queue.length > 0;
  }

  /** Used by close(): the database must not be left with queued writes. */
  drain(): void {
    while (this.#queue.length > 0) this.flush();
  }
}
