/**
 * One outbox change of a vault at a time. A local write reads the queued
 * entries and then replaces or appends one; a push reads them, marks a batch
 * as sent, and after the answer removes, rebases or rewrites them. Each of
 * those is a read followed by writes, and every store call yields (IndexedDB
 * and SQLite round trips take real time): interleaved, a write could coalesce
 * into an entry that was just marked sent, and the push's answer then removed
 * the entry with the newer envelope in it, losing the write silently.
 *
 * Two tabs of one browser profile each run a client over their own
 * connection to the same IndexedDB database, so the in-memory chain alone
 * does not keep them apart: a store that names a shared lock
 * (`sharedLockName`) also holds that Web Lock, per vault, around `fn`.
 * Node processes on one SQLite file have no Web Locks in common: a store that
 * can be shared that way (`lockAcrossProcesses`) holds an OS file lock
 * around `fn` (store/sqlite-file-lock.ts).
 */
import type { LocalStore } from '../store/types.ts';

// Per store (a restarted client over the same store shares it), per vault.
const tails = new WeakMap<LocalStore, Map<string, Promise<unknown>>>();

/**
 * Run `fn` once every earlier outbox change of the vault has finished. `fn`
 * must not wait for another outbox change of the same vault (it would wait
 * for itself).
 *
 * @example
 * await withOutboxLock(store, vaultId, async () => {
 *   const queued = await store.listOutbox({ vaultId });
 *   await store.updateOutbox({ ...queued[0]!, attempts: 1 });
 * });
 */
export function withOutboxLock<T>(
  store: LocalStore,
  vaultId: string,
  fn: () => Promise<T>,
): Promise<T> {
  let byVault = tails.get(store);
  if (!byVault) {
    byVault = new Map();
    tails.set(store, byVault);
  }
  const lockName = store.sharedLockName;
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  // One request per change (after this store's own earlier ones), released when fn settles.
  const tabs =
    lockName !== undefined && locks !== undefined
      ? () => locks.request(`${lockName}:${vaultId}`, fn)
      : fn;
  const step = store.lockAcrossProcesses
    ? async () => {
        const release = await store.lockAcrossProcesses!();
        try {
          return await tabs();
        } finally {
          release();
        }
      }
    : tabs;
  const run = (byVault.get(vaultId) ?? Promise.resolve()).then(step, step);
  const tail = run.then(
    () => {},
    () => {},
  );
  byVault.set(vaultId, tail);
  void tail.then(() => {
    if (byVault.get(vaultId) === tail) byVault.delete(vaultId);
  });
  return run;
}
