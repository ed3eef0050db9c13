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
import { SqliteFileLock } from '@coffer/client/sqlite';
import { CliError } from '../cli/exit-codes.ts';

export const PROFILE_LOCK_FILE = 'profile.lock';

/** How long a command waits for the profile before it gives up (a hung holder, not a slow one). */
const DEFAULT_WAIT_MS = 10 * 60_000;

export interface LockOptions {
  /** Called once when the lock was not had within a second. */
  onWait?: () => void;
  waitMs?: number;
}

// One lock per profile and process, re-entrant: a command that opens a second
// client (or resolves a name through another helper) must not wait for itself.
// A process runs one command, so the first call's options serve them all.
const locks = new Map<string, SqliteFileLock>();

/**
 * Take the profile's lock; the returned function releases it (once).
 *
 * @example
 * const release = await lockProfile(home, { onWait: () => out.info('waiting…') });
 * try { await pushEverything(); } finally { release(); }
 */
export async function lockProfile(home: string, options: LockOptions = {}): Promise<() => void> {
  const path = join(home, PROFILE_LOCK_FILE);
  let lock = locks.get(path);
  if (lock === undefined) {
    try {
      lock = new SqliteFileLock(path, {
        waitMs: options.waitMs ?? DEFAULT_WAIT_MS,
        ...(options.onWait ? { onWait: options.onWait } : {}),
        timeoutError: (waitMs) =>
          new CliError(
            'conflict',
            'profile_busy',
            `another coffer command has been using this profile for over ${Math.round(waitMs / 1000)} s (${home})`,
            'is one stuck (a prompt, a hung network)? end it and run this again; a command that crashed releases the profile by itself',
          ),
      });
    } catch (e) {
      throw lockFailed(path, e);
    }
    locks.set(path, lock);
  }
  try {
    return await lock.acquire();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw lockFailed(path, e);
  }
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
