// The SQLite replica's WAL is checkpointed by a worker thread after large
// writes (the writer's own automatic checkpoint would stall the sync on fsync).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../tooling/test-temp.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { StoredRecord } from '../src/store/types.ts';

const rows = (n: number, from = 0): StoredRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    vaultId: 'v',
    recordId: (from + i).toString(16).padStart(32, '0'),
    revision: 1,
    seq: from + i + 1,
    envelope: new Uint8Array(1024).fill(i & 0xff),
  }));

describe('SQLite background checkpoints', () => {
  it('moves a large pull from the WAL into the database file off the writing thread', async () => {
    const file = join(tempDirSync('coffer-ckpt-'), 'r.sqlite3');
    const store = SqliteStore.open(file, { checkpointBytes: 200 * 1024 });
    // Small writes start no thread.
    await store.applyPull('v', rows(10), 10);
    expect(await store.backgroundCheckpoint()).toBe(false);
    const before = statSync(file).size;
    await store.applyPull('v', rows(800, 10), 810);
    // ~800 KiB is far below the writer's own threshold (4096 pages of 8 KiB):
    // only the background checkpoint puts these pages into the database file.
    expect(await store.backgroundCheckpoint()).toBe(true);
    expect(statSync(file).size - before).toBeGreaterThan(800 * 1024);
    // Later writes ask for a checkpoint once `checkpointBytes` have accumulated.
    await store.applyPull('v', rows(100, 810), 910);
    const next = store.backgroundCheckpoint();
    await store.applyPull('v', rows(100, 910), 1010);
    expect(await next).toBe(true);
    await store.close();
    const again = SqliteStore.open(file);
    expect((await again.listRecordIds('v')).length).toBe(1010);
    expect(await again.getCursor('v')).toBe(1010);
    await again.close();
  });

  it('never starts for an in-memory replica', async () => {
    const store = SqliteStore.open(':memory:');
    await store.applyPull('v', rows(600), 600);
    expect(await store.backgroundCheckpoint()).toBe(false);
    await store.close();
  });
});
