/**
 * SQLite durability under the default `full` setting: commits run with
 * `synchronous=NORMAL` and the WAL is fsynced off the event loop
 * (src/storage/sqlite/wal-sync.ts). These tests hold the fsync in the test's
 * hand and check the promise: nothing is acknowledged, read back or
 * announced before the fsync that covers it, commits made while one fsync
 * runs share the next one, and a failed fsync stops the store.
 */
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import type { PullResult } from '../../src/storage/contract.ts';
import {
  openSqliteStore,
  SQLITE_FILE_NAME,
  type SqliteStore,
} from '../../src/storage/sqlite/sqlite-store.ts';
import type { SyncFile } from '../../src/storage/sqlite/wal-sync.ts';
import { createVault, mutation, newId } from './fixtures.ts';

/** An fsync that completes only when the test says so. */
class HeldSync {
  readonly calls: Array<(error: Error | null) => void> = [];
  #onCall: Array<() => void> = [];
  held = false;
  readonly sync: SyncFile = (_fd, done) => {
    if (!this.held) {
      done(null);
      return;
    }
    this.calls.push(done);
    for (const wake of this.#onCall.splice(0)) wake();
  };
  /** Resolves when the n-th held fsync has been asked for. */
  called(n: number): Promise<void> {
    if (this.calls.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#onCall.push(() => void this.called(n).then(resolve)));
  }
}

/** Let every queued callback run (not a sleep: one turn of the event loop). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function settledFlag(promise: Promise<unknown>): { done: boolean } {
  const flag = { done: false };
  promise.then(
    () => (flag.done = true),
    () => (flag.done = true),
  );
  return flag;
}

let dataDir: string;
let store: SqliteStore;
let fsync: HeldSync;

beforeEach(async () => {
  dataDir = tempDirSync('coffer-walsync-');
  fsync = new HeldSync();
  store = await openSqliteStore({ dataDir, syncWal: fsync.sync });
});

afterEach(async () => {
  fsync.held = false;
  for (const done of fsync.calls.splice(0)) done(null);
  await store.close().catch(() => {});
});

function committedRows(): number {
  const reader = new DatabaseConstructor(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return (reader.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

describe('SQLite WAL fsync off the event loop', () => {
  it('acknowledges, reads back and announces a push only after its fsync', async () => {
    const { vaultId, ownerId } = await createVault(store);
    const announced: number[] = [];
    const unsubscribe = store.notifier.subscribe(vaultId, (seq) => announced.push(seq));
    fsync.held = true;

    const push = store.pushMutations(vaultId, ownerId, [mutation({ recordId: newId() })], {
      atomic: false,
      now: 1,
    });
    const pushed = settledFlag(push);
    await fsync.called(1);
    // Committed to the WAL (another connection sees it) but not yet durable.
    expect(committedRows()).toBe(1);
    const pull = store.pullChanges(vaultId, 0, 10);
    const pulled = settledFlag(pull);
    await turn();
    await turn();
    expect(pushed.done).toBe(false);
    expect(pulled.done).toBe(false);
    expect(announced).toEqual([]);

    fsync.calls[0]?.(null);
    const [outcome] = await push;
    expect(outcome?.status).toBe('applied');
    const page = (await pull) as PullResult;
    expect(page.resyncRequired).toBe(false);
    if (!page.resyncRequired) expect(page.changes).toHaveLength(1);
    expect(announced).toEqual([1]);
    unsubscribe();
  });

  it('commits the pushes that arrive during an fsync together, after it, with one fsync', async () => {
    const { vaultId, ownerId } = await createVault(store);
    const before = store.walSyncStats?.syncs ?? 0;
    fsync.held = true;
    const one = () =>
      store.pushMutations(vaultId, ownerId, [mutation({ recordId: newId() })], {
        atomic: false,
        now: 1,
      });
    const first = one();
    await fsync.called(1);
    const groupsBefore = store.groupCommitStats.groups;
    const second = one();
    const third = one();
    const later = settledFlag(Promise.all([second, third]));
    await turn();
    await turn();
    // They wait (queued, not committed) while the first fsync runs...
    expect(committedRows()).toBe(1);
    expect(store.groupCommitStats.groups).toBe(groupsBefore);
    fsync.calls[0]?.(null);
    await first;
    // ...then go in one group, covered by one fsync.
    await fsync.called(2);
    expect(committedRows()).toBe(3);
    expect(store.groupCommitStats.groups).toBe(groupsBefore + 1);
    expect(later.done).toBe(false);
    fsync.calls[1]?.(null);
    const results = await Promise.all([second, third]);
    expect(results.map(([o]) => o?.status)).toEqual(['applied', 'applied']);
    expect(fsync.calls).toHaveLength(2);
    expect((store.walSyncStats?.syncs ?? 0) - before).toBe(2);
  });

  it('fails closed when an fsync fails: the push is refused and so is every later call', async () => {
    const { vaultId, ownerId } = await createVault(store);
    fsync.held = true;
    const push = store.pushMutations(vaultId, ownerId, [mutation({ recordId: newId() })], {
      atomic: false,
      now: 1,
    });
    await fsync.called(1);
    fsync.calls[0]?.(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    await expect(push).rejects.toThrow(/WAL fsync failed \(EIO\)/);
    await expect(store.pullChanges(vaultId, 0, 10)).rejects.toThrow(/WAL fsync failed/);
    await expect(store.getVault(vaultId)).rejects.toThrow(/WAL fsync failed/);
  });

  it('does not wait for an fsync when nothing was written', async () => {
    const { vaultId } = await createVault(store);
    const before = store.walSyncStats?.syncs ?? 0;
    fsync.held = true;
    // Reads of durable data answer without asking for an fsync.
    expect(await store.getVault(vaultId)).not.toBeNull();
    expect(await store.pullChanges(vaultId, 0, 10)).toMatchObject({ resyncRequired: false });
    expect(fsync.calls).toHaveLength(0);
    expect(store.walSyncStats?.syncs ?? 0).toBe(before);
  });
});
