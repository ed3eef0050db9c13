import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../src/store/indexeddb-store.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { runStoreContract } from './store-contract.ts';

let n = 0;
const unique = () => `coffer-contract-${Date.now()}-${++n}`;

runStoreContract('indexeddb', () => IndexedDbStore.open(unique()));
runStoreContract('memory (browser)', async () => new MemoryStore());

describe('IndexedDbStore persistence', () => {
  it('keeps records, outbox and cursors across reopen', async () => {
    const name = unique();
    const a = await IndexedDbStore.open(name);
    await a.applyPull(
      'v',
      [{ vaultId: 'v', recordId: 'r', revision: 2, seq: 5, envelope: new Uint8Array([7]) }],
      5,
    );
    await a.enqueue({
      mutationId: 'm',
      vaultId: 'v',
      recordId: 'r',
      baseRevision: 2,
      envelope: null,
      epoch: 2,
      createdAt: 1,
      attempts: 0,
      nextAttemptAt: 0,
    });
    await a.close();
    const b = await IndexedDbStore.open(name);
    expect(await b.getCursor('v')).toBe(5);
    expect((await b.getRecord('v', 'r'))?.envelope).toEqual(new Uint8Array([7]));
    expect((await b.listOutbox()).map((e) => e.mutationId)).toEqual(['m']);
    await b.close();
  });
});
