/** Contract: "vault has new sequence" notifications, across store instances. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/contract.ts';
import type { ContractContext } from './contract.ts';
import { createVault, mutation, newId, pushOne } from './fixtures.ts';

/** Resolves with the first `count` sequences the subscriber receives. */
function nextSeqs(
  store: Store,
  vaultId: string,
  count: number,
): { seqs: Promise<number[]>; stop: () => void } {
  const received: number[] = [];
  let stop = (): void => {};
  const seqs = new Promise<number[]>((resolve) => {
    stop = store.notifier.subscribe(vaultId, (seq) => {
      received.push(seq);
      if (received.length === count) resolve([...received]);
    });
  });
  return { seqs, stop };
}

export function notifierContract(ctx: ContractContext): void {
  describe('notifier', () => {
    it('tells a subscriber on another store instance about committed pushes', async () => {
      const other = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const quiet = await createVault(ctx.store, ownerId);
      // Give the quiet vault a head of its own (2) so a misrouted
      // notification of the first vault (1 or 2) cannot pass for its next one.
      // Notifications are asynchronous: wait for those two before listening.
      const warmUp = nextSeqs(other, quiet.vaultId, 2);
      for (let i = 0; i < 2; i++) {
        await pushOne(ctx.store, quiet.vaultId, ownerId, mutation({ recordId: newId() }));
      }
      expect(await warmUp.seqs).toEqual([1, 2]);
      warmUp.stop();
      const elsewhere = nextSeqs(other, quiet.vaultId, 1);
      const listener = nextSeqs(other, vaultId, 2);
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() }));
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() }));
      expect(await listener.seqs).toEqual([1, 2]);
      listener.stop();
      // Push to the quiet vault last: once that arrives, anything for the
      // first vault would have arrived before it (one ordered channel).
      await pushOne(ctx.store, quiet.vaultId, ownerId, mutation({ recordId: newId() }));
      expect(await elsewhere.seqs).toEqual([3]);
      elsewhere.stop();
    });

    it('says nothing for a push that applied nothing, and stops after unsubscribe', async () => {
      const other = await ctx.openAnother();
      const { vaultId, ownerId } = await createVault(ctx.store);
      const stopped = nextSeqs(other, vaultId, 1);
      stopped.stop();
      const received = nextSeqs(other, vaultId, 1);
      const conflicting = mutation({ recordId: newId(), baseRevision: 5 });
      expect((await pushOne(ctx.store, vaultId, ownerId, conflicting)).status).toBe('conflict');
      await pushOne(ctx.store, vaultId, ownerId, mutation({ recordId: newId() }));
      // The first notification is the applied push (seq 1), not the conflict.
      expect(await received.seqs).toEqual([1]);
      received.stop();
      const late = await Promise.race([stopped.seqs, Promise.resolve('none')]);
      expect(late).toBe('none');
    });
  });
}
