/**
 * WAL checkpoints run on a worker thread (checkpointer.ts), not inside a
 * push's COMMIT: committed pages reach the database file while the main
 * connection never checkpoints, and everything stays readable after close.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/storage/sqlite/sqlite-store.ts';
import { createVault, mutation, newId, randomData, T0 } from './fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite checkpoints on a worker thread', () => {
  it('copies committed pages into the database file, and the store closes cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coffer-checkpoint-'));
    dirs.push(dataDir);
    const file = join(dataDir, SQLITE_FILE_NAME);
    const store = await openSqliteStore({ dataDir });
    const { vaultId, ownerId } = await createVault(store);
    const before = statSync(file).size;
    const mutations = Array.from({ length: 50 }, () =>
      mutation({ recordId: newId(), envelope: randomData(4096) }),
    );
    await store.pushMutations(vaultId, ownerId, mutations, { atomic: false, now: T0 });
    // The main connection's own threshold (~256 MiB) is far away: only the worker copies.
    await vi.waitFor(() => expect(store.checkpointerStats.frames).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    expect(store.checkpointerStats.lastError).toBeNull();
    expect(statSync(file).size).toBeGreaterThan(before + 50 * 4096);
    await store.close();
    const reopened = await openSqliteStore({ dataDir });
    try {
      const page = await reopened.pullChanges(vaultId, 0, 100);
      expect(page.resyncRequired ? [] : page.changes.map((c) => c.envelope)).toEqual(
        mutations.map((m) => m.envelope),
      );
    } finally {
      await reopened.close();
    }
  });
});
