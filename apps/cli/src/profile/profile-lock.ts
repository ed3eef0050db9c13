/**
 * One `coffer` process at a time works on a profile's replica with the
 * network. The SDK keeps single outbox changes of two processes apart (an OS
 * lock beside the replica), but a command is a sequence of reads, writes and
 * syncs. Before either lock, two processes on one profile (parallel jobs of a
 * CI pipeline) each sealed a write against the same base revision, or
 * handled the same push answer twice, and the server saw concurrent edits:
 * spurious conflict copies. Holding this lock from before the client opens
 * until it closed makes parallel invocations behave like sequential ones
 * (the last one wins).
 *
 * The lock is an exclusive SQLite transaction on `profile.lock`: an OS file
 * lock (fcntl / LockFileEx) that ends with the process however it ends, so
 * a crashed or killed `coffer` never leaves the profile locked.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CliError } from '../cli/exit-codes.ts';

export const PROFILE_LOCK_FILE = 'profile.lock';

/** How long a command waits for the profile before it gives up (a hung holder, not a slow one). */
const DEFAULT_WAIT_MS = 10 * 60_000;
/** After this long the waiting command says why it waits. */
const NOTICE_AFTER_MS = 1_000;

export interface LockOptions {
  /** Called once when the lock was not had within a second. */
  onWait?: () => void;
  waitMs?: number;
}

interface Held {
  db: Database.Database;
  count: number;
}

// Re-entrant per process: a command that opens a second client (or resolves a
// name through another helper) must not wait for itself.
const held = new Map<string, Held>();

function tryBegin(db: Database.Database): boolean {
  try {
    db.exec('BEGIN EXCLUSIVE');
    return true;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return false;
    throw e;
  }
}

/** Wait with jitter, so waiters do not retry in lock step. */
const pause = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms / 2 + Math.random() * ms));

/**
 * Take the profile's lock; the returned function releases it (once).
 *
 * @example
 * const release = await lockProfile(home, { onWait: () => out.info('waiting…') });
 * try { await pushEverything(); } finally { release(); }
 */
export async function lockProfile(home: string, options: LockOptions = {}): Promise<() => void> {
  const path = join(home, PROFILE_LOCK_FILE);
  let entry = held.get(path);
  if (entry === undefined) {
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: 0 });
    } catch (e) {
      throw lockFailed(path, e);
    }
    const start = Date.now();
    const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    let noticed = false;
    let delay = 10;
    for (;;) {
      let got: boolean;
      try {
        got = tryBegin(db);
      } catch (e) {
        db.close();
        throw lockFailed(path, e);
      }
      if (got) break;
      const waited = Date.now() - start;
      if (waited >= waitMs) {
        db.close();
        throw new CliError(
          'conflict',
          'profile_busy',
          `another coffer command has been using this profile for over ${Math.round(waitMs / 1000)} s (${home})`,
          'is one stuck (a prompt, a hung network)? end it and run this again; a command that crashed releases the profile by itself',
        );
      }
      if (!noticed && waited >= NOTICE_AFTER_MS) {
        noticed = true;
        options.onWait?.();
      }
      await pause(delay);
      delay = Math.min(200, delay * 2);
    }
    entry = { db, count: 0 };
    held.set(path, entry);
  }
  entry.count++;
  const taken = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    taken.count--;
    if (taken.count > 0) return;
    held.delete(path);
    try {
      taken.db.exec('COMMIT');
    } finally {
      // Closing ends the transaction (and its file lock) even if COMMIT failed.
      taken.db.close();
    }
  };
}

function lockFailed(path: string, e: unknown): CliError {
  const detail = e instanceof Error ? e.message : String(e);
  return new CliError(
    'io',
    'profile_lock_failed',
    `cannot lock the profile (${path}): ${detail}`,
    'is the profile directory writable and on a local disk?',
  );
}
