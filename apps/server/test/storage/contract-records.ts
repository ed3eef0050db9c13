/** Contract: push (optimistic concurrency, idempotency, atomic batches), pull, purge. */
import { describe, expect, it } from 'vitest';
import type { Change, PullResult } from '../../src/storage/contract.ts';
import type { ContractContext } from './contract.ts';
import {
  bytes,
  createVault,
  expectStorageError,
  mutation,
  newId,
  pushOne,
  T0,
} from './fixtures.ts';

function changesOf(result: PullResult): Change[] {
  if (result.resyncRequired) throw new Error('unexpected resync');
  return result.changes;
}

export function recordContract(ctx: ContractContext): void {
  describe('records', () => {
    it('applies create, update and delete with per-record revisions and vault sequences', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      const create = mutation({ recordId, envelope: bytes('v1') });
      expect(await pushOne(ctx.store, vaultId, ownerId, create)).toEqual({
        status: 'applied',
        mutationId: create.mutationId,
        recordId,
        revision: 1,
        seq: 1,
      });
      const other = await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() }));
      expect(other).toMatchObject({ status: 'applied', revision: 1, seq: 2 });
      const update = mutation({ recordId, baseRevision: 1, envelope: bytes('v2') });
      expect(await pushOne(ctx.store, vaultId, ownerId, update)).toMatchObject({
        revision: 2,
        seq: 3,
      });
      const remove = mutation({ recordId, baseRevision: 2, envelope: null });
      expect(await pushOne(ctx.store, vaultId, ownerId, remove)).toMatchObject({
        revision: 3,
        seq: 4,
      });
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(4);

      // Only the latest change of each record is kept: record 1 appears once, as a tombstone.
      const pulled = changesOf(await ctx.store.pullChanges(vaultId, 0, 100));
      expect(pulled.map((c) => [c.seq, c.recordId, c.revision, c.envelope])).toEqual([
        [2, other.recordId, 1, expect.any(Uint8Array)],
        [4, recordId, 3, null],
      ]);
      expect(pulled[1]).toEqual({
        seq: 4,
        recordId,
        revision: 3,
        envelope: null,
        epoch: 1,
        authorId: ownerId,
        updatedAt: T0,
      });
    });

    it('answers a stale base with a conflict carrying the current state', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId, envelope: bytes('v1') }));
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId, baseRevision: 1, envelope: bytes('v2') }),
      );
      const stale = mutation({ recordId, baseRevision: 1, envelope: bytes('mine') });
      expect(await pushOne(ctx.store, vaultId, ownerId, stale)).toEqual({
        status: 'conflict',
        mutationId: stale.mutationId,
        recordId,
        currentRevision: 2,
        currentEnvelope: bytes('v2'),
        currentEpoch: 1,
        currentSeq: 2,
      });
      // "Must not exist" against a live record conflicts too.
      expect(await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId }))).toMatchObject({
        status: 'conflict',
        currentRevision: 2,
      });
      // An edit of a record that does not exist conflicts with "nothing".
      const ghost = mutation({ recordId: newId(), baseRevision: 3 });
      expect(await pushOne(ctx.store, vaultId, ownerId, ghost)).toMatchObject({
        status: 'conflict',
        currentRevision: null,
        currentEnvelope: null,
        currentSeq: null,
      });
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(2);
    });

    it('re-creates over a tombstone with continuing revisions', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId }));
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId, baseRevision: 1, envelope: null }),
      );
      expect(await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId }))).toMatchObject({
        status: 'applied',
        revision: 3,
        seq: 3,
      });
    });

    it('returns the original outcome for a retried mutation and never writes twice', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      const create = mutation({ recordId, envelope: bytes('v1') });
      const first = await pushOne(ctx.store, vaultId, ownerId, create);
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId, baseRevision: 1, envelope: bytes('v2') }),
      );
      // The retry arrives after someone else changed the record: still the original answer.
      const retried = await ctx.store.pushMutations(
        vaultId,
        ownerId,
        [create, mutation({ recordId: newId() })],
        { atomic: false, now: T0 },
      );
      expect(retried[0]).toEqual(first);
      expect(retried[1]).toMatchObject({ status: 'applied', seq: 3 });
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(3);
      const pulled = changesOf(await ctx.store.pullChanges(vaultId, 0, 100));
      expect(pulled.find((c) => c.recordId === recordId)?.envelope).toEqual(bytes('v2'));
    });

    it('scopes mutation ids to their vault', async () => {
      const a = await createVault(ctx.store);
      const b = await createVault(ctx.store, a.ownerId);
      const m = mutation({ recordId: newId() });
      await pushOne(ctx.store, a.vaultId, a.ownerId, m);
      expect(await pushOne(ctx.store, b.vaultId, a.ownerId, m)).toMatchObject({
        status: 'applied',
        seq: 1,
      });
      expect(changesOf(await ctx.store.pullChanges(b.vaultId, 0, 10))).toHaveLength(1);
    });

    it('replays a retry while its write is still the current state, advancing nothing', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const create = mutation({ recordId: newId(), envelope: bytes('v1') });
      const first = await pushOne(ctx.store, vaultId, ownerId, create);
      // Twice in one batch and once more alone: one write, one answer.
      const again = await ctx.store.pushMutations(vaultId, ownerId, [create, { ...create }], {
        atomic: false,
        now: T0,
      });
      expect(again).toEqual([first, first]);
      expect(
        await pushOne(ctx.store, vaultId, ownerId, { ...create, envelope: bytes('x') }),
      ).toEqual(first);
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(1);
      expect(changesOf(await ctx.store.pullChanges(vaultId, 0, 10))).toMatchObject([
        { seq: 1, revision: 1, envelope: bytes('v1') },
      ]);
    });

    it('replays every retried mutation of a record that changed many times', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      const writes = [
        mutation({ recordId, envelope: bytes('v1') }),
        mutation({ recordId, baseRevision: 1, envelope: bytes('v2') }),
        mutation({ recordId, baseRevision: 2, envelope: null }),
        mutation({ recordId, baseRevision: null, envelope: bytes('v4') }),
      ];
      const outcomes = [];
      for (const w of writes) outcomes.push(await pushOne(ctx.store, vaultId, ownerId, w));
      const retried = await ctx.store.pushMutations(vaultId, ownerId, [...writes].reverse(), {
        atomic: true,
        now: T0,
      });
      expect(retried).toEqual([...outcomes].reverse());
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(4);
    });

    it('replays a retried deletion after its tombstone was purged', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId }));
      const remove = mutation({ recordId, baseRevision: 1, envelope: null });
      const removed = await pushOne(ctx.store, vaultId, ownerId, remove);
      expect(await ctx.store.purgeTombstones(vaultId, 3)).toEqual({ purged: 1, purgeHorizon: 2 });
      expect(await pushOne(ctx.store, vaultId, ownerId, remove)).toEqual(removed);
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(2);
      expect(changesOf(await ctx.store.pullChanges(vaultId, 2, 10))).toEqual([]);
    });

    it('treats a mutation id reused for another record as a new mutation', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const first = mutation({ recordId: newId() });
      await pushOne(ctx.store, vaultId, ownerId, first);
      const reused = { ...mutation({ recordId: newId() }), mutationId: first.mutationId };
      const outcome = await pushOne(ctx.store, vaultId, ownerId, reused);
      expect(outcome).toEqual({
        status: 'applied',
        mutationId: first.mutationId,
        recordId: reused.recordId,
        revision: 1,
        seq: 2,
      });
      // Each is still recognised as a retry of itself, after both records moved on.
      for (const m of [first, reused])
        await pushOne(
          ctx.store,
          vaultId,
          ownerId,
          mutation({ recordId: m.recordId, baseRevision: 1 }),
        );
      expect(await pushOne(ctx.store, vaultId, ownerId, reused)).toEqual(outcome);
      expect(await pushOne(ctx.store, vaultId, ownerId, first)).toMatchObject({
        recordId: first.recordId,
        seq: 1,
      });
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(4);
    });

    it('applies an atomic batch all or nothing', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const existing = newId();
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId: existing, envelope: bytes('v1') }),
      );
      const fresh = newId();
      const batch = [
        mutation({ recordId: fresh }),
        mutation({ recordId: fresh, baseRevision: 1 }),
        mutation({ recordId: existing, baseRevision: 7 }),
      ];
      const outcomes = await ctx.store.pushMutations(vaultId, ownerId, batch, {
        atomic: true,
        now: T0,
      });
      expect(outcomes).toEqual([
        { status: 'aborted', mutationId: batch[0]?.mutationId, recordId: fresh },
        { status: 'aborted', mutationId: batch[1]?.mutationId, recordId: fresh },
        {
          status: 'conflict',
          mutationId: batch[2]?.mutationId,
          recordId: existing,
          currentRevision: 1,
          currentEnvelope: bytes('v1'),
          currentEpoch: 1,
          currentSeq: 1,
        },
      ]);
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(1);
      expect(changesOf(await ctx.store.pullChanges(vaultId, 0, 10))).toHaveLength(1);
      // Aborted mutations were not recorded: the fixed batch applies them.
      const fixed = [batch[0], batch[1], { ...mutation({ recordId: existing, baseRevision: 1 }) }];
      const retry = await ctx.store.pushMutations(
        vaultId,
        ownerId,
        fixed.flatMap((m) => (m ? [m] : [])),
        {
          atomic: true,
          now: T0,
        },
      );
      expect(retry.map((o) => [o.status, o.status === 'applied' ? o.seq : 0])).toEqual([
        ['applied', 2],
        ['applied', 3],
        ['applied', 4],
      ]);
    });

    it('judges each mutation against the writes before it in the same batch', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const x = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: x, envelope: bytes('x1') }));
      const update = mutation({ recordId: x, baseRevision: 1, envelope: bytes('x2') });
      const batch = [
        mutation({ recordId: x, baseRevision: 5 }),
        update,
        mutation({ recordId: x, baseRevision: 1 }),
        mutation({ recordId: x, baseRevision: 2, envelope: null }),
        mutation({ recordId: x, baseRevision: null, envelope: bytes('x4') }),
        { ...update },
      ];
      const outcomes = await ctx.store.pushMutations(vaultId, ownerId, batch, {
        atomic: false,
        now: T0,
      });
      const conflictWith = (revision: number, seq: number, envelope: string) => ({
        status: 'conflict',
        currentRevision: revision,
        currentSeq: seq,
        currentEpoch: 1,
        currentEnvelope: bytes(envelope),
      });
      expect(outcomes).toMatchObject([
        conflictWith(1, 1, 'x1'),
        { status: 'applied', revision: 2, seq: 2 },
        conflictWith(2, 2, 'x2'),
        { status: 'applied', revision: 3, seq: 3 },
        { status: 'applied', revision: 4, seq: 4 },
        { status: 'applied', mutationId: update.mutationId, revision: 2, seq: 2 },
      ]);
      const pulled = changesOf(await ctx.store.pullChanges(vaultId, 0, 10));
      expect(pulled.map((c) => [c.seq, c.recordId, c.revision, c.envelope])).toEqual([
        [4, x, 4, bytes('x4')],
      ]);
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(4);
    });

    it('applies the rest of a non-atomic batch around a conflict', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const batch = [
        mutation({ recordId: newId() }),
        mutation({ recordId: newId(), baseRevision: 1 }),
        mutation({ recordId: newId() }),
      ];
      const outcomes = await ctx.store.pushMutations(vaultId, ownerId, batch, {
        atomic: false,
        now: T0,
      });
      expect(outcomes.map((o) => o.status)).toEqual(['applied', 'conflict', 'applied']);
      expect(outcomes.map((o) => (o.status === 'applied' ? o.seq : null))).toEqual([1, null, 2]);
    });

    it('refuses unknown vaults and epochs the vault does not have', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      await expectStorageError(
        ctx.store.pushMutations(newId(), ownerId, [mutation({ recordId: newId() })], {
          atomic: false,
          now: T0,
        }),
        'not_found',
      );
      const batch = [mutation({ recordId: newId() }), mutation({ recordId: newId(), epoch: 2 })];
      await expectStorageError(
        ctx.store.pushMutations(vaultId, ownerId, batch, { atomic: false, now: T0 }),
        'invalid_argument',
      );
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(0);
    });

    it('pages pulls in sequence order with next cursor and hasMore', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      for (let i = 0; i < 5; i++)
        await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() }));
      const page1 = await ctx.store.pullChanges(vaultId, 0, 2);
      expect(page1).toMatchObject({ resyncRequired: false, nextCursor: 2, hasMore: true });
      expect(changesOf(page1).map((c) => c.seq)).toEqual([1, 2]);
      const page3 = await ctx.store.pullChanges(vaultId, 4, 2);
      expect(changesOf(page3).map((c) => c.seq)).toEqual([5]);
      expect(page3).toMatchObject({ nextCursor: 5, hasMore: false });
      expect(await ctx.store.pullChanges(vaultId, 5, 2)).toEqual({
        resyncRequired: false,
        changes: [],
        nextCursor: 5,
        hasMore: false,
      });
      await expectStorageError(ctx.store.pullChanges(vaultId, 0, 0), 'invalid_argument');
      await expectStorageError(ctx.store.pullChanges(vaultId, -1, 5), 'invalid_argument');
    });

    it('purges tombstones past a retention time in every vault, keeping newer ones and live records', async () => {
      const a = await createVault(ctx.store);
      const b = await createVault(ctx.store, a.ownerId);
      const quiet = await createVault(ctx.store, a.ownerId);
      const DAY = 24 * 3600 * 1000;
      const at = async (
        vault: { vaultId: string; ownerId: string },
        day: number,
        deleted: boolean,
      ) => {
        const recordId = newId();
        const options = { atomic: false, now: T0 + day * DAY };
        await ctx.store.pushMutations(
          vault.vaultId,
          vault.ownerId,
          [mutation({ recordId })],
          options,
        );
        if (!deleted) return;
        await ctx.store.pushMutations(
          vault.vaultId,
          vault.ownerId,
          [mutation({ recordId, baseRevision: 1, envelope: null })],
          options,
        );
      };
      // a: tombstones at seq 2 (day 1) and 4 (day 2), live record at seq 5, tombstone at seq 7 (day 40).
      await at(a, 1, true);
      await at(a, 2, true);
      await at(a, 3, false);
      await at(a, 40, true);
      await at(b, 5, true);
      await at(quiet, 39, true);

      const summary = await ctx.store.purgeTombstonesBefore(T0 + 10 * DAY);
      expect(summary).toEqual({ vaults: 2, purged: 3 });
      expect((await ctx.store.getVault(a.vaultId))?.purgeHorizon).toBe(4);
      expect((await ctx.store.getVault(b.vaultId))?.purgeHorizon).toBe(2);
      expect((await ctx.store.getVault(quiet.vaultId))?.purgeHorizon).toBe(0);
      // What is left of a: the live record and the young tombstone.
      const left = changesOf(await ctx.store.pullChanges(a.vaultId, 0, 100));
      expect(left.map((c) => [c.seq, c.envelope === null])).toEqual([
        [5, false],
        [7, true],
      ]);
      // A device that pulled only up to seq 3 missed a purged deletion.
      expect(await ctx.store.pullChanges(a.vaultId, 3, 100)).toMatchObject({
        resyncRequired: true,
        reason: 'purged',
      });
      expect(changesOf(await ctx.store.pullChanges(a.vaultId, 4, 100))).toHaveLength(2);
      // Running again finds nothing more.
      expect(await ctx.store.purgeTombstonesBefore(T0 + 10 * DAY)).toEqual({
        vaults: 0,
        purged: 0,
      });
    });

    it('ends a page early once its envelopes pass maxBytes, never with an empty page', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const sizes = [100, 300, 50, 400, 10];
      for (const size of sizes) {
        await pushOne(
          ctx.store,
          vaultId,
          ownerId,
          mutation({ recordId: newId(), envelope: new Uint8Array(size) }),
        );
      }
      const pages: Array<[number[], boolean]> = [];
      let cursor = 0;
      for (;;) {
        const page = await ctx.store.pullChanges(vaultId, cursor, 100, { maxBytes: 400 });
        if (page.resyncRequired) throw new Error('unexpected resync');
        pages.push([page.changes.map((c) => c.envelope?.length ?? 0), page.hasMore]);
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      expect(pages).toEqual([
        [[100, 300], true],
        [[50], true],
        [[400], true],
        [[10], false],
      ]);
      // One envelope larger than the cap still makes a page of one.
      const single = await ctx.store.pullChanges(vaultId, 0, 100, { maxBytes: 10 });
      expect(single).toMatchObject({ hasMore: true, nextCursor: 1 });
      expect(changesOf(single)).toHaveLength(1);
    });

    it('pages past a hundred rows: every change once, in order, with limits and maxBytes', async () => {
      // Long enough to cross the SQLite store's internal read chunks (64 rows).
      const { vaultId, ownerId } = await createVault(ctx.store);
      const ids = Array.from({ length: 150 }, () => newId());
      await ctx.store.pushMutations(
        vaultId,
        ownerId,
        ids.map((recordId, i) =>
          mutation({ recordId, envelope: i % 7 === 3 ? null : new Uint8Array(10 + (i % 5)) }),
        ),
        { atomic: false, now: T0 },
      );
      const walk = async (limit: number, maxBytes?: number) => {
        const seqs: number[] = [];
        const sizes: number[] = [];
        let cursor = 0;
        for (;;) {
          const page = await ctx.store.pullChanges(
            vaultId,
            cursor,
            limit,
            maxBytes === undefined ? {} : { maxBytes },
          );
          if (page.resyncRequired) throw new Error('unexpected resync');
          expect(page.changes.length).toBeGreaterThan(0);
          sizes.push(page.changes.length);
          seqs.push(...page.changes.map((c) => c.seq));
          expect(page.nextCursor).toBe(seqs.at(-1));
          cursor = page.nextCursor;
          if (!page.hasMore) break;
        }
        expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
        return sizes;
      };
      expect(await walk(64)).toEqual([64, 64, 22]);
      expect(await walk(65)).toEqual([65, 65, 20]);
      expect(await walk(150)).toEqual([150]);
      expect(await walk(1000)).toEqual([150]);
      // Envelopes of 10-14 bytes, tombstones count 0: 1000 bytes end a page after ~80 rows.
      const cut = await walk(1000, 1000);
      expect(cut.length).toBeGreaterThan(1);
      expect(Math.max(...cut)).toBeGreaterThan(64);
      const all = changesOf(await ctx.store.pullChanges(vaultId, 0, 1000));
      expect(all.map((c) => c.recordId)).toEqual(ids);
      expect(all.filter((c) => c.envelope === null).map((c) => c.seq)).toEqual(
        ids.flatMap((_, i) => (i % 7 === 3 ? [i + 1] : [])),
      );
      expect(all[0]?.envelope).toEqual(new Uint8Array(10));
    });

    it('purges tombstones behind a horizon and sends older cursors to a full resync', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const kept = newId();
      const deleted = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: deleted })); // seq 1
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: kept })); // seq 2
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId: deleted, baseRevision: 1, envelope: null }),
      ); // seq 3
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() })); // seq 4
      expect(await ctx.store.purgeTombstones(vaultId, 4)).toEqual({ purged: 1, purgeHorizon: 3 });
      expect((await ctx.store.getVault(vaultId))?.purgeHorizon).toBe(3);
      expect(await ctx.store.pullChanges(vaultId, 2, 10)).toEqual({
        resyncRequired: true,
        reason: 'purged',
        purgeHorizon: 3,
        headSeq: 4,
      });
      // A full resync (cursor 0) gets the live records only: the deleted one never comes back.
      expect(changesOf(await ctx.store.pullChanges(vaultId, 0, 10)).map((c) => c.seq)).toEqual([
        2, 4,
      ]);
      expect(changesOf(await ctx.store.pullChanges(vaultId, 3, 10)).map((c) => c.seq)).toEqual([4]);
      expect(await ctx.store.pullChanges(vaultId, 9, 10)).toMatchObject({
        resyncRequired: true,
        reason: 'ahead',
      });
      // The horizon never moves back, and never past the head.
      expect(await ctx.store.purgeTombstones(vaultId, 2)).toEqual({ purged: 0, purgeHorizon: 3 });
      expect(await ctx.store.purgeTombstones(vaultId, 100)).toEqual({ purged: 0, purgeHorizon: 4 });
      // A purged record id can be created afresh.
      expect(
        await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: deleted })),
      ).toMatchObject({
        status: 'applied',
        seq: 5,
      });
    });

    it('never gives a record created again after a purge a revision of its earlier life', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      const write = (baseRevision: number | null, envelope?: null) =>
        pushOne(
          ctx.store,
          vaultId,
          ownerId,
          mutation({ recordId, baseRevision, ...(envelope === null ? { envelope } : {}) }),
        );
      await write(null); // rev 1, seq 1
      await write(1); // rev 2, seq 2
      await write(2, null); // deleted: rev 3, seq 3
      expect(await ctx.store.purgeTombstones(vaultId, 4)).toEqual({ purged: 1, purgeHorizon: 3 });
      expect(await write(null)).toMatchObject({ status: 'applied', revision: 4, seq: 4 });
      // It grows on from there; revision 2 never comes back.
      expect(await write(4)).toMatchObject({ status: 'applied', revision: 5, seq: 5 });
      // A device that queued an edit on the earlier life's revision 2 meets a
      // conflict (its base is nothing the new life ever had), not a silent overwrite.
      expect(await write(2)).toMatchObject({ status: 'conflict', currentRevision: 5 });
      // In a vault never purged, new records still start at 1.
      const fresh = await createVault(ctx.store);
      expect(
        await pushOne(ctx.store, fresh.vaultId, fresh.ownerId, mutation({ recordId: newId() })),
      ).toMatchObject({ revision: 1, seq: 1 });
    });

    it('ends the last page at the head, so purged newest deletions cause no resync loop', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const gone = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() })); // seq 1
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: gone })); // seq 2
      await pushOne(
        ctx.store,
        vaultId,
        ownerId,
        mutation({ recordId: gone, baseRevision: 1, envelope: null }),
      ); // seq 3: the newest change is a deletion
      expect(await ctx.store.purgeTombstones(vaultId, 4)).toEqual({ purged: 1, purgeHorizon: 3 });
      // The full resync sees only seq 1, yet its cursor reaches the head (3).
      const resync = await ctx.store.pullChanges(vaultId, 0, 10, { resync: true });
      expect(resync).toMatchObject({ resyncRequired: false, nextCursor: 3, hasMore: false });
      expect(changesOf(resync).map((c) => c.seq)).toEqual([1]);
      // So the next pull is an ordinary empty one, not another resync.
      expect(await ctx.store.pullChanges(vaultId, 3, 10)).toEqual({
        resyncRequired: false,
        changes: [],
        nextCursor: 3,
        hasMore: false,
      });
      // A page cut short still ends at its own last row.
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() })); // seq 4
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() })); // seq 5
      expect(await ctx.store.pullChanges(vaultId, 3, 1)).toMatchObject({
        nextCursor: 4,
        hasMore: true,
      });
    });
  });
}
