/**
 * SQLite group commit: pushes issued together run in ONE transaction (one
 * fsync), each in its own savepoint, and each gets the outcome it would have
 * had alone, in arrival order: idempotent replays, conflicts against writes
 * earlier in the same group, an atomic batch rolled back alone, a failing
 * push that leaves the others applied.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import type { Change, PullResult } from '../../src/storage/contract.ts';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import {
  bytes,
  createVault,
  expectStorageError,
  mutation,
  newId,
  pushOne,
  T0,
} from './fixtures.ts';

let dataDir: string;
let store: SqliteStore;

beforeEach(async () => {
  dataDir = tempDirSync('coffer-group-');
  store = await openSqliteStore({ dataDir });
});

afterEach(async () => {
  await store.close();
});

function changesOf(result: PullResult): Change[] {
  if (result.resyncRequired) throw new Error('unexpected resync');
  return result.changes;
}

describe('SQLite group commit', () => {
  it('commits concurrent pushes once, each with its own correct outcome', async () => {
    const { vaultId, ownerId } = await createVault(store);
    const other = await createVault(store, ownerId);
    const x = newId();
    await pushOne(store, vaultId, ownerId, mutation({ recordId: x, envelope: bytes('x1') }));
    const groupsBefore = store.groupCommitStats.groups;

    const a = mutation({ recordId: newId(), envelope: bytes('a1') });
    const x2 = mutation({ recordId: x, baseRevision: 1, envelope: bytes('x2') });
    const b = mutation({ recordId: newId() });
    const staleX = mutation({ recordId: x, baseRevision: 1 });
    const c = mutation({ recordId: newId(), envelope: bytes('c1') });
    const d = mutation({ recordId: newId() });
    const options = { atomic: false, now: T0 };
    // Issued in one turn of the event loop: one group, in this order.
    const [first, atomic, replay, unknownVault, after, elsewhere] = await Promise.allSettled([
      store.pushMutations(vaultId, ownerId, [a, x2], options),
      store.pushMutations(vaultId, ownerId, [b, staleX], { atomic: true, now: T0 }),
      store.pushMutations(vaultId, ownerId, [a], options),
      store.pushMutations(newId(), ownerId, [mutation({ recordId: newId() })], options),
      store.pushMutations(vaultId, ownerId, [c], options),
      store.pushMutations(other.vaultId, ownerId, [d], options),
    ]);

    expect(store.groupCommitStats.groups).toBe(groupsBefore + 1);
    expect(first).toEqual({
      status: 'fulfilled',
      value: [
        { status: 'applied', mutationId: a.mutationId, recordId: a.recordId, revision: 1, seq: 2 },
        { status: 'applied', mutationId: x2.mutationId, recordId: x, revision: 2, seq: 3 },
      ],
    });
    // The atomic batch conflicts with the write just before it in the same
    // group, is rolled back alone, and reports that write as current.
    expect(atomic).toEqual({
      status: 'fulfilled',
      value: [
        { status: 'aborted', mutationId: b.mutationId, recordId: b.recordId },
        {
          status: 'conflict',
          mutationId: staleX.mutationId,
          recordId: x,
          currentRevision: 2,
          currentEnvelope: bytes('x2'),
          currentEpoch: 1,
          currentSeq: 3,
        },
      ],
    });
    // A retry inside the same group gets the first outcome without a write.
    expect(replay).toEqual({
      status: 'fulfilled',
      value: [
        { status: 'applied', mutationId: a.mutationId, recordId: a.recordId, revision: 1, seq: 2 },
      ],
    });
    expect(unknownVault.status).toBe('rejected');
    await expectStorageError(
      Promise.reject((unknownVault as PromiseRejectedResult).reason),
      'not_found',
    );
    // Nothing the aborted or failed pushes did leaves a gap in the sequence.
    expect(after).toEqual({
      status: 'fulfilled',
      value: [
        { status: 'applied', mutationId: c.mutationId, recordId: c.recordId, revision: 1, seq: 4 },
      ],
    });
    expect(elsewhere).toMatchObject({
      status: 'fulfilled',
      value: [{ status: 'applied', seq: 1 }],
    });

    // Committed, and visible to another connection on the file.
    const second = await openSqliteStore({ dataDir });
    try {
      expect((await second.getVault(vaultId))?.headSeq).toBe(4);
      const pulled = changesOf(await second.pullChanges(vaultId, 0, 100));
      expect(pulled.map((ch) => [ch.seq, ch.recordId, ch.revision])).toEqual([
        [2, a.recordId, 1],
        [3, x, 2],
        [4, c.recordId, 1],
      ]);
    } finally {
      await second.close();
    }
  });

  it('runs thirty pushes issued together as one group with a gapless sequence', async () => {
    const { vaultId, ownerId } = await createVault(store);
    const groupsBefore = store.groupCommitStats.groups;
    const writesBefore = store.groupCommitStats.writes;
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        pushOne(store, vaultId, ownerId, mutation({ recordId: newId() })),
      ),
    );
    expect(outcomes.map((o) => (o.status === 'applied' ? o.seq : 0)).sort((p, q) => p - q)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    expect(store.groupCommitStats.writes - writesBefore).toBe(30);
    expect(store.groupCommitStats.groups - groupsBefore).toBe(1);
  });

  it('commits queued pushes before the store closes', async () => {
    const { vaultId, ownerId } = await createVault(store);
    const pending = pushOne(store, vaultId, ownerId, mutation({ recordId: newId() }));
    await store.close();
    expect(await pending).toMatchObject({ status: 'applied', seq: 1 });
    store = await openSqliteStore({ dataDir });
    expect((await store.getVault(vaultId))?.headSeq).toBe(1);
  });
});
