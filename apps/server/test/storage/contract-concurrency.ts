/**
 * Contract: concurrent writers through separate connections (two store
 * instances; on PostgreSQL each has a pool) keep optimistic concurrency
 * exact and the per-vault sequence gapless, and a concurrent reader never
 * skips a change.
 */
import { describe, expect, it } from 'vitest';
import type { MutationOutcome, Store } from '../../src/storage/contract.ts';
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

const WRITERS = 20;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function appliedSeqs(outcomes: ReadonlyArray<MutationOutcome>): number[] {
  return outcomes.flatMap((o) => (o.status === 'applied' ? [o.seq] : [])).sort((a, b) => a - b);
}

/** Push until applied, rebasing on each conflict; returns every outcome. */
async function pushUntilApplied(
  store: Store,
  vaultId: string,
  author: string,
  recordId: string,
  text: string,
) {
  const outcomes: MutationOutcome[] = [];
  let base: number | null = null;
  for (;;) {
    const outcome = await pushOne(
      store,
      vaultId,
      author,
      mutation({ recordId, baseRevision: base, envelope: bytes(text) }),
    );
    outcomes.push(outcome);
    if (outcome.status === 'applied') return outcomes;
    if (outcome.status !== 'conflict') throw new Error('unexpected outcome');
    base = outcome.currentRevision;
  }
}

export function concurrencyContract(ctx: ContractContext): void {
  describe('concurrent writers', () => {
    it('lets exactly one of many writers on one base revision win', async () => {
      const second = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const recordId = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId }));
      const outcomes = await Promise.all(
        range(1, WRITERS).map((i) =>
          pushOne(
            i % 2 ? ctx.store : second,
            vaultId,
            ownerId,
            mutation({ recordId, baseRevision: 1, envelope: bytes(`w${i}`) }),
          ),
        ),
      );
      const applied = outcomes.filter((o) => o.status === 'applied');
      expect(applied).toHaveLength(1);
      expect(applied[0]).toMatchObject({ revision: 2, seq: 2 });
      for (const o of outcomes.filter((x) => x.status !== 'applied')) {
        expect(o).toMatchObject({ status: 'conflict', currentRevision: 2, currentSeq: 2 });
      }
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(2);
    });

    it('gives concurrent writers of different records a gapless sequence', async () => {
      const second = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const outcomes = await Promise.all(
        range(1, WRITERS).map((i) =>
          pushOne(i % 2 ? ctx.store : second, vaultId, ownerId, mutation({ recordId: newId() })),
        ),
      );
      expect(appliedSeqs(outcomes)).toEqual(range(1, WRITERS));
    });

    it('keeps the sequence gapless and a concurrent reader complete under contention', async () => {
      const second = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const sharedId = newId();
      let writing = true;
      // The reader pulls small pages while writers commit; it must end with
      // exactly the final state, having seen sequences strictly increasing.
      const seen = new Map<string, number>();
      let cursor = 0;
      const readerSeqs: number[] = [];
      const pullOnce = async (): Promise<boolean> => {
        const page = await second.pullChanges(vaultId, cursor, 7);
        if (page.resyncRequired) throw new Error('unexpected resync');
        for (const change of page.changes) {
          readerSeqs.push(change.seq);
          seen.set(change.recordId, change.revision);
        }
        cursor = page.nextCursor;
        return page.hasMore;
      };
      const reader = (async () => {
        while (writing) {
          await pullOnce();
          // Yield to the event loop like a real reader (its I/O does): SQLite
          // commits queued pushes in a group on the next turn of the loop, so
          // a loop of in-memory reads that never yields would starve them.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const writers = range(1, WRITERS).map(async (i) => {
        const store = i % 2 ? ctx.store : second;
        const own = newId();
        const outcomes: MutationOutcome[] = [];
        for (let revision = 0; revision < 3; revision++) {
          const m = mutation({
            recordId: own,
            baseRevision: revision === 0 ? null : revision,
            envelope: bytes(`${i}.${revision}`),
          });
          outcomes.push(await pushOne(store, vaultId, ownerId, m));
        }
        outcomes.push(
          ...(await pushUntilApplied(store, vaultId, ownerId, sharedId, `shared ${i}`)),
        );
        return outcomes;
      });
      const outcomes = (await Promise.all(writers)).flat();
      writing = false;
      await reader;
      while (await pullOnce()) {}

      const head = (await ctx.store.getVault(vaultId))?.headSeq ?? -1;
      expect(head).toBe(WRITERS * 4);
      expect(appliedSeqs(outcomes)).toEqual(range(1, head));
      // Every writer incremented the shared record exactly once.
      expect(seen.get(sharedId)).toBe(WRITERS);
      const full = await ctx.store.pullChanges(vaultId, 0, 1000);
      if (full.resyncRequired) throw new Error('unexpected resync');
      expect(new Map(full.changes.map((c) => [c.recordId, c.revision]))).toEqual(seen);
      expect(readerSeqs).toEqual([...readerSeqs].sort((a, b) => a - b));
      expect(new Set(readerSeqs).size).toBe(readerSeqs.length);
    });

    it('serialises concurrent idempotent retries: one write, one shared outcome', async () => {
      const second = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const m = mutation({ recordId: newId() });
      const outcomes = await Promise.all(
        range(1, 10).map((i) =>
          ctx.store
            .pushMutations(vaultId, ownerId, [m], { atomic: i % 3 === 0, now: T0 })
            .then((o) => o[0]),
        ),
      );
      const viaSecond = await pushOne(second, vaultId, ownerId, m);
      for (const o of [...outcomes, viaSecond])
        expect(o).toEqual({
          status: 'applied',
          mutationId: m.mutationId,
          recordId: m.recordId,
          revision: 1,
          seq: 1,
        });
      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(1);
    });

    it('gives pushes issued together the outcomes of their turn, in call order', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const other = await createVault(ctx.store, ownerId);
      const x = newId();
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: x, envelope: bytes('x1') }));

      const a = mutation({ recordId: newId(), envelope: bytes('a1') });
      const x2 = mutation({ recordId: x, baseRevision: 1, envelope: bytes('x2') });
      const b = mutation({ recordId: newId() });
      const staleX = mutation({ recordId: x, baseRevision: 1 });
      const c = mutation({ recordId: newId(), envelope: bytes('c1') });
      const d = mutation({ recordId: newId() });
      const options = { atomic: false, now: T0 };
      // Issued in one turn of the event loop: one group, in this order.
      const [first, atomic, replay, unknownVault, after, elsewhere] = await Promise.allSettled([
        ctx.store.pushMutations(vaultId, ownerId, [a, x2], options),
        ctx.store.pushMutations(vaultId, ownerId, [b, staleX], { atomic: true, now: T0 }),
        ctx.store.pushMutations(vaultId, ownerId, [a], options),
        ctx.store.pushMutations(newId(), ownerId, [mutation({ recordId: newId() })], options),
        ctx.store.pushMutations(vaultId, ownerId, [c], options),
        ctx.store.pushMutations(other.vaultId, ownerId, [d], options),
      ]);

      expect(first).toEqual({
        status: 'fulfilled',
        value: [
          {
            status: 'applied',
            mutationId: a.mutationId,
            recordId: a.recordId,
            revision: 1,
            seq: 2,
          },
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
          {
            status: 'applied',
            mutationId: a.mutationId,
            recordId: a.recordId,
            revision: 1,
            seq: 2,
          },
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
          {
            status: 'applied',
            mutationId: c.mutationId,
            recordId: c.recordId,
            revision: 1,
            seq: 4,
          },
        ],
      });
      expect(elsewhere).toMatchObject({
        status: 'fulfilled',
        value: [{ status: 'applied', seq: 1 }],
      });

      expect((await ctx.store.getVault(vaultId))?.headSeq).toBe(4);
    });
  });
}
